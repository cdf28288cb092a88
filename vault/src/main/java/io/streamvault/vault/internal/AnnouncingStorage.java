package io.streamvault.vault.internal;

import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storage;
import io.streamvault.vault.VaultEvents;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The vault's storage, telling {@link VaultEvents} of every object written or deleted: the one place
 * every write of the vault goes through, so no writer can forget to announce.
 */
final class AnnouncingStorage implements Storage {
    private final Storage backend;
    private volatile VaultEvents events = VaultEvents.NONE;

    AnnouncingStorage(Storage backend) {
        this.backend = backend;
    }

    VaultEvents events() {
        return events;
    }

    void announceTo(VaultEvents e) {
        this.events = e == null ? VaultEvents.NONE : e;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        boolean created = backend.putIfAbsent(name, data);
        written(name, data.length);
        return created;
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) {
        int size = data.remaining();
        boolean created = backend.putIfAbsent(name, data);
        written(name, size);
        return created;
    }

    private void written(String name, long size) {
        VaultEvents e = events;
        if (e != VaultEvents.NONE) {
            ObjectKind kind = kindOf(name);
            if (kind != null) {
                e.written(kind, kind.idOf(name), size);
            }
        }
    }

    @Override
    public void delete(String name) {
        backend.delete(name);
        VaultEvents e = events;
        if (e != VaultEvents.NONE) {
            ObjectKind kind = kindOf(name);
            if (kind != null) {
                e.deleted(kind, kind.idOf(name));
            }
        }
    }

    /** The kind of an object name, or null for a name that is no vault object's (never announced). */
    static ObjectKind kindOf(String name) {
        for (ObjectKind k : ObjectKind.values()) {
            if (k.idOf(name) != null) {
                return k;
            }
        }
        return null;
    }

    @Override
    public byte[] get(String name) {
        return backend.get(name);
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        return backend.get(name, offset, length);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return backend.list(prefix);
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        return backend.stat(name);
    }

    @Override
    public Optional<Instant> serviceTime() {
        return backend.serviceTime();
    }

    @Override
    public Optional<ImmutableStorage> immutability() {
        return backend.immutability();
    }

    @Override
    public String location() {
        return backend.location();
    }

    @Override
    public void close() {
        backend.close();
    }
}
