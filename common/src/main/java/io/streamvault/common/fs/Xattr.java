package io.streamvault.common.fs;

import java.util.Arrays;

/**
 * One extended attribute, name and value as raw bytes. Equality and hash code compare the
 * contents of the arrays (a record would compare their identities).
 */
public record Xattr(byte[] name, byte[] value) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && Arrays.equals(name, x.name) && Arrays.equals(value, x.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(name) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Xattr[" + RawPaths.display(name) + "=" + RawPaths.display(value) + "]";
    }
}
