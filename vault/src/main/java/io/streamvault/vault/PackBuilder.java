package io.streamvault.vault;

/** Collects encoded blobs for one pack. Not thread-safe. Written with {@link Vault#writePack}. */
public interface PackBuilder {
    /** Appends a blob; returns its offset in the pack. */
    long add(EncodedBlob blob);

    /** True when a blob with this id is already in this pack. */
    boolean contains(BlobId id);

    /** Bytes of blobs so far (the header is added when the pack is written). */
    long size();

    int count();
}
