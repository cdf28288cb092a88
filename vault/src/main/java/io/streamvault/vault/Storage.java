package io.streamvault.vault;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;

/**
 * Where vault objects live: a local directory or an object store. Names are relative,
 * '/'-separated, e.g. {@code data/3f/3f2a...}. Objects are immutable: written once, never modified.
 *
 * <p>Every call either succeeds or throws a {@link io.streamvault.common.StreamVaultException}:
 * a {@link io.streamvault.common.RetryableException} (code {@code STORAGE_UNAVAILABLE}) for a
 * transient failure, which the caller may repeat; a {@link io.streamvault.common.FatalException}
 * (codes {@code OBJECT_NOT_FOUND}, {@code STORAGE_DENIED}, {@code IO_ERROR}) otherwise. Every
 * message names the object and the location.
 *
 * <p>Idempotence: {@link #putIfAbsent}, {@link #delete}, and every read are idempotent; a retried
 * or duplicated write never modifies an existing object.
 */
public interface Storage extends Closeable {

    /**
     * Creates the object unless one with that name exists. Returns true when this call created it,
     * false when it already existed (its bytes are left as they are). The object is durable when
     * this returns. Implementations must make the object appear atomically: a reader never sees a
     * partial object.
     */
    boolean putIfAbsent(String name, byte[] data);

    /** The whole object. */
    byte[] get(String name);

    /** {@code length} bytes from {@code offset}; fails with CORRUPT_OBJECT if the object is shorter. */
    byte[] get(String name, long offset, int length);

    /** Objects whose names start with {@code prefix}, in no particular order. */
    List<ObjectInfo> list(String prefix);

    /** Size of the object, or empty when it does not exist. */
    Optional<ObjectInfo> stat(String name);

    /** Removes the object; removing a missing object is not an error. */
    void delete(String name);

    /** A human-readable location for messages, e.g. {@code file:///srv/vault}. */
    String location();

    @Override
    void close();
}
