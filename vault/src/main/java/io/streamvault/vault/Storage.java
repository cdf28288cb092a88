package io.streamvault.vault;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where vault objects live: a local directory or an object store. Names are relative,
 * '/'-separated, e.g. {@code data/3f/3f2a...}. Objects are immutable: written once, never modified.
 *
 * <p>Every call either succeeds or throws a {@link io.streamvault.common.StreamVaultException}:
 * a {@link io.streamvault.common.RetryableException} (code {@code STORAGE_UNAVAILABLE}) for a
 * transient failure (the service or network away, throttling, timeouts) that persisted through the
 * backend's own bounded retries, which the caller may repeat later; a
 * {@link io.streamvault.common.FatalException} otherwise, which repeating will not cure:
 * {@code OBJECT_NOT_FOUND} (a missing object on read), {@code STORAGE_DENIED} (credentials or
 * permissions refused), {@code CORRUPT_OBJECT} (a ranged read past the end), {@code INVALID_ARGUMENT}
 * (a bad name or range, or a request the service rejects as malformed), {@code UNSUPPORTED} (an
 * operation the service does not implement), {@code CANCELLED} (the thread was interrupted) or
 * {@code IO_ERROR} (anything else). Every message names the object, the location and the cause.
 *
 * <p>Idempotence: {@link #putIfAbsent}, {@link #delete}, and every read are idempotent; a retried
 * or duplicated write never modifies an existing object. Backends retry transient failures inside
 * each call only where the call is idempotent, which all of them are.
 */
public interface Storage extends Closeable {

    /**
     * Creates the object unless one with that name exists. Returns true when this call created it,
     * false when it already existed (its bytes are left as they are). The object is durable when
     * this returns. Implementations must make the object appear atomically: a reader never sees a
     * partial object.
     */
    boolean putIfAbsent(String name, byte[] data);

    /**
     * {@link #putIfAbsent(String, byte[])} for the bytes of a buffer, from its position to its limit
     * (neither is changed). A backend may write a direct buffer without copying it, and may use the
     * buffer's bytes between its limit and its capacity as scratch space.
     */
    default boolean putIfAbsent(String name, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return putIfAbsent(name, copy);
    }

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

    /**
     * The storage service's own clock, where it has one (a local directory: the file system's
     * modification time of a file it just touched; Azure: the {@code Date} header of a response), so
     * that retention decisions do not trust the client's clock. Empty when the backend has none.
     */
    default Optional<Instant> serviceTime() {
        return Optional.empty();
    }

    /**
     * The service's own deletion refusal (Azure version-level immutability and legal holds), or empty
     * when the backend has none. The vault's lock holds without it; with it, the service enforces it too.
     */
    default Optional<ImmutableStorage> immutability() {
        return Optional.empty();
    }

    /** A human-readable location for messages, e.g. {@code file:///srv/vault}. */
    String location();

    @Override
    void close();
}
