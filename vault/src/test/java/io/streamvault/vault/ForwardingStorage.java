package io.streamvault.vault;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A storage that hands every call to another: tests override the calls they watch or break. */
public abstract class ForwardingStorage implements Storage {
    private final Storage s;

    protected ForwardingStorage(Storage s) {
        this.s = s;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        return s.putIfAbsent(name, data);
    }

    @Override
    public Optional<Instant> serviceTime() {
        return s.serviceTime();
    }

    @Override
    public Optional<ImmutableStorage> immutability() {
        return s.immutability();
    }

    @Override
    public byte[] get(String name) {
        return s.get(name);
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        return s.get(name, offset, length);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return s.list(prefix);
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        return s.stat(name);
    }

    @Override
    public void delete(String name) {
        s.delete(name);
    }

    @Override
    public String location() {
        return s.location();
    }

    @Override
    public void close() {
        s.close();
    }
}
