package io.streamvault.vault;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.Hex;
import java.util.Arrays;

/** A blob id: HMAC-SHA-256 of the blob's plaintext under the vault's chunk-id key. 32 bytes. */
public final class BlobId implements Comparable<BlobId> {
    public static final int LENGTH = 32;
    private final byte[] bytes;
    private final int hash;

    private BlobId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of 32 bytes. */
    public static BlobId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "a blob id has 32 bytes, not " + bytes.length);
        }
        return new BlobId(bytes.clone());
    }

    public static BlobId of(byte[] buf, int off) {
        return new BlobId(Arrays.copyOfRange(buf, off, off + LENGTH));
    }

    public static BlobId parse(String hex) {
        return of(Hex.parse(hex));
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    public String hex() {
        return Hex.of(bytes);
    }

    /** The first 8 hex digits, for display. */
    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlobId b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(BlobId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
