package io.streamvault.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The vault lock: every snapshot sealed while it is on is kept at least {@code minRetention} after it
 * was sealed, in its mode; a backup may ask for longer, up to {@code maxRetention}. Until
 * {@code changeableUntil} (the cooling-off) it may be changed or removed freely; after it, a
 * compliance lock can only be extended, and a governance lock lifted or weakened only by a key in
 * {@code bypassKeys} (or a token with the right) that says so explicitly.
 *
 * @param maxRetention the longest retention a backup may ask for, or null for no bound
 * @param setAt when the lock record was written (the storage service's clock)
 * @param bypassKeys ids of the key objects that hold the governance bypass right
 * @param record id of the lock object that set it (locks/ID)
 */
public record VaultLock(LockMode mode, Duration minRetention, Duration maxRetention, Instant changeableUntil,
        Instant setAt, List<String> bypassKeys, String record) {

    public VaultLock {
        bypassKeys = List.copyOf(bypassKeys);
    }

    /** True while the cooling-off lasts: the lock may still be changed or removed freely. */
    public boolean changeableAt(Instant now) {
        return now.isBefore(changeableUntil);
    }

    /** True when {@code retention} lies within the lock's bounds. */
    public boolean allows(Duration retention) {
        return retention.compareTo(minRetention) >= 0 && (maxRetention == null || retention.compareTo(maxRetention) <= 0);
    }
}
