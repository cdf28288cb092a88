package io.streamvault.common;

/** A failure that repeating the same operation cannot fix: bad input, corruption, refused access. */
public class FatalException extends StreamVaultException {
    public FatalException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public FatalException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
