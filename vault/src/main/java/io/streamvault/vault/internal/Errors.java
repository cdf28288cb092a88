package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;

/** Shorthands for the errors this package throws. */
final class Errors {
    private Errors() {
    }

    static FatalException corrupt(String message) {
        return new FatalException(ErrorCode.CORRUPT_OBJECT, message);
    }

    static FatalException corrupt(String message, Throwable cause) {
        return new FatalException(ErrorCode.CORRUPT_OBJECT, message, cause);
    }

    static FatalException invalid(String message) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, message);
    }

    static FatalException internal(String message, Throwable cause) {
        return new FatalException(ErrorCode.INTERNAL, message, cause);
    }
}
