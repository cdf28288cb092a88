package io.streamvault.vault;

import java.nio.ByteBuffer;

/** Collects encoded blobs for one pack. Not thread-safe. Written with {@link Vault#writePack}. */
public interface PackBuilder {
    /** Appends a blob; returns its offset in the pack. */
    long add(EncodedBlob blob);

    /**
     * Compresses and encrypts {@code buf[off, off+len)}, the plaintext of blob {@code id}, straight
     * into the pack (as {@link Vault#encode} then {@link #add(EncodedBlob)} would, without the
     * intermediate copy); returns its offset in the pack.
     */
    long add(BlobType type, BlobId id, byte[] buf, int off, int len);

    /**
     * {@link #add(BlobType, BlobId, byte[], int, int)} for {@code buf}'s bytes at absolute indexes
     * {@code [off, off+len)}, below its limit (its position is not used or moved). From a direct
     * buffer, zstd reads the bytes where they are and writes into the pack, and AES-GCM seals them
     * there: no copy on the way.
     */
    long add(BlobType type, BlobId id, ByteBuffer buf, int off, int len);

    /** True when a blob with this id is already in this pack. */
    boolean contains(BlobId id);

    /** Bytes of blobs so far (the header is added when the pack is written). */
    long size();

    int count();
}
