package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import java.util.function.Supplier;

/**
 * What reading one vault object gave: its value, or the damage (the object is missing or corrupt)
 * that stopped the read. Exactly one of the two is set.
 */
record Outcome<T>(T value, StreamVaultException damage) {
    Outcome {
        if ((value == null) == (damage == null)) {
            throw new IllegalArgumentException("an outcome holds a value or damage, not both or neither");
        }
    }

    /**
     * Runs {@code read}: its value, or the damage it met. A failure of the storage itself (unavailable,
     * access denied) is not damage and is thrown: nothing can be concluded about an object that could
     * not be read.
     */
    static <T> Outcome<T> of(Supplier<T> read) {
        try {
            return new Outcome<>(read.get(), null);
        } catch (StreamVaultException e) {
            if (!isDamage(e)) {
                throw e;
            }
            return new Outcome<>(null, e);
        }
    }

    boolean ok() {
        return damage == null;
    }

    /** Damage (the object is missing or corrupt) as opposed to a failing storage, which ends the check. */
    static boolean isDamage(StreamVaultException e) {
        return !e.retryable() && (e.code() == ErrorCode.CORRUPT_OBJECT || e.code() == ErrorCode.OBJECT_NOT_FOUND
                || e.code() == ErrorCode.UNSUPPORTED);
    }
}
