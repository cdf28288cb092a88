package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Objects in a map, with the local backend's errors: for fuzz targets that store one object per input. */
final class MemoryStorage implements Storage {
    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        return objects.putIfAbsent(name, data.clone()) == null;
    }

    @Override
    public byte[] get(String name) {
        return require(name).clone();
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        byte[] b = require(name);
        if (offset < 0 || length < 0 || offset + length > b.length) {
            throw new FatalException(ErrorCode.CORRUPT_OBJECT, "range " + offset + "+" + length + " is outside " + name
                    + " of " + b.length + " bytes");
        }
        return Arrays.copyOfRange(b, (int) offset, (int) offset + length);
    }

    private byte[] require(String name) {
        byte[] b = objects.get(name);
        if (b == null) {
            throw new FatalException(ErrorCode.OBJECT_NOT_FOUND, "object " + name + " not found in " + location());
        }
        return b;
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        objects.forEach((n, b) -> {
            if (n.startsWith(prefix)) {
                out.add(new ObjectInfo(n, b.length));
            }
        });
        return out;
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        byte[] b = objects.get(name);
        return b == null ? Optional.empty() : Optional.of(new ObjectInfo(name, b.length));
    }

    @Override
    public void delete(String name) {
        objects.remove(name);
    }

    /** Forgets every object. */
    void clear() {
        objects.clear();
    }

    @Override
    public String location() {
        return "memory:";
    }

    @Override
    public void close() {
    }
}
