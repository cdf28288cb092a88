package io.streamvault.vault;

import java.time.Instant;

/**
 * A storage service that can itself refuse to delete or overwrite an object: Azure Blob Storage with
 * version-level immutability (time-based retention policies and legal holds on each blob). The
 * vault's lock (docs/lock.md) asks it to hold every object a locked snapshot reaches, so that even
 * the storage account's credentials cannot delete them early. Names are object names as in
 * {@link Storage}. Calls are idempotent.
 */
public interface ImmutableStorage {

    /**
     * Whether the container accepts immutability policies: {@code supported} false with a one-line
     * reason (e.g. "version-level immutability is not enabled on container backups") when not.
     */
    Support probe();

    /**
     * Gives the object an immutability policy expiring at {@code until} (the service refuses to delete
     * or overwrite it before), in mode locked ({@code locked}: nobody can shorten or remove it, for a
     * compliance lock) or unlocked (governance). Never shortens: a policy already expiring at or after
     * {@code until} with at least this strength is left as it is; a locked policy is extended locked.
     * A service that keeps whole seconds gets {@code until} rounded up. Missing object: OBJECT_NOT_FOUND.
     */
    void protect(String name, Instant until, boolean locked);

    /** Sets or clears the object's legal hold. Missing object: OBJECT_NOT_FOUND. */
    void legalHold(String name, boolean hold);

    /** The answer of {@link #probe()}. */
    record Support(boolean supported, String reason) {
    }
}
