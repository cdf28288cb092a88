package io.streamvault.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The backup lock of one vault (docs/lock.md): the vault lock, retentions, legal holds, and the one
 * check every deletion path goes through ({@link Vault#delete}). Lock records are append-only
 * objects under {@code locks/}: nothing removes them, and removing them by hand unlocks no snapshot
 * (each snapshot carries its retain-until in its own authenticated body).
 */
public interface Locks {

    /** Settings of {@code lock set}; {@code maxRetention} null for no bound. */
    record Spec(LockMode mode, Duration minRetention, Duration maxRetention, Duration changeableFor,
            List<String> bypassKeys) {
    }

    /** The time retention decisions use: the storage service's clock where it has one. */
    Instant now();

    /** Reads and folds every lock record. */
    LockState state();

    /**
     * Sets or changes the vault lock. During the current lock's cooling-off anything goes; after it
     * the new lock may only extend (same or stronger mode, no shorter minimum or maximum), unless a
     * governance lock is changed with {@code bypassGovernance} by a key holding the right. Refused:
     * VAULT_LOCKED naming what it would weaken; FORBIDDEN without the right.
     */
    VaultLock set(Spec spec, boolean bypassGovernance);

    /**
     * Removes the vault lock (snapshots sealed under it keep their own retention): during the
     * cooling-off, or a governance lock with {@code bypassGovernance} and the right. VAULT_LOCKED
     * otherwise. The removal is a record, kept.
     */
    void remove(boolean bypassGovernance);

    /**
     * Extends the snapshot's retention to {@code until} (in the vault lock's mode, governance without
     * one). INVALID_ARGUMENT when it would not extend it or lies beyond the lock's maximum.
     */
    Protection retain(String snapshotId, Instant until);

    /**
     * Whether this vault's key holds the governance bypass right: it is named by every vault lock ever
     * set (the right only narrows), or no lock was ever set.
     */
    boolean mayBypassGovernance();

    /** Places a legal hold on the snapshot; returns it. */
    Hold hold(String snapshotId, String reason);

    /** Releases every legal hold of the snapshot, recording why; returns how many there were. */
    int release(String snapshotId, String reason);

    /**
     * Checks a retention a backup asks for against the vault lock's bounds; INVALID_ARGUMENT naming
     * the bounds when it lies outside them (never clamped).
     */
    void checkRetention(Duration asked);

    /**
     * Whether the storage service can enforce the lock itself (Azure version-level immutability):
     * unsupported, with the reason, for a local vault or a container without it.
     */
    ImmutableStorage.Support serviceSupport();

    /**
     * Asks the storage service to refuse deleting or overwriting the object before {@code until}
     * (locked for compliance); never shortens a policy. UNSUPPORTED without {@link #serviceSupport}.
     */
    void protectObject(ObjectKind kind, String id, Instant until, LockMode mode);

    /** Sets or clears the storage service's legal hold on the object. UNSUPPORTED without support. */
    void holdObject(ObjectKind kind, String id, boolean hold);
}
