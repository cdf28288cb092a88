package io.streamvault.vault;

import java.nio.ByteBuffer;

/** Computes keyed blob ids. Not thread-safe: one per thread. */
public interface ChunkHasher {
    BlobId id(byte[] buf, int off, int len);

    /**
     * The id of {@code buf}'s bytes at absolute indexes {@code [off, off+len)}, below its limit (its
     * position is not used or moved). A direct buffer is hashed where it is, without a copy.
     */
    BlobId id(ByteBuffer buf, int off, int len);
}
