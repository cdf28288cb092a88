package io.streamvault.scanner.internal;

/** A change feed cannot be used on this machine or for this root; the message says why. */
public final class FeedUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    FeedUnavailableException(String message) {
        super(message);
    }

    FeedUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
