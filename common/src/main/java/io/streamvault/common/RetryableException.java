package io.streamvault.common;

/** A transient failure: timeouts, throttling, a storage service or broker that is briefly away. */
public class RetryableException extends StreamVaultException {
    public RetryableException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public RetryableException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
