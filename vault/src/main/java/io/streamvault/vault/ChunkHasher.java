package io.streamvault.vault;

/** Computes keyed blob ids. Not thread-safe: one per thread. */
public interface ChunkHasher {
    BlobId id(byte[] buf, int off, int len);
}
