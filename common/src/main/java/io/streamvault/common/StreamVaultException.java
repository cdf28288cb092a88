package io.streamvault.common;

/**
 * Root of the project's exceptions. Every failure that reaches a user carries a stable
 * {@link ErrorCode} and a message that names the object or input at fault. Subclasses say whether
 * repeating the operation may succeed: {@link RetryableException} or {@link FatalException}.
 */
public abstract class StreamVaultException extends RuntimeException {
    private final ErrorCode code;

    protected StreamVaultException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** True when the same operation may succeed if repeated later. */
    public abstract boolean retryable();
}
