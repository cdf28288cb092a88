package io.streamvault.vault;

/** What a blob in a pack holds. */
public enum BlobType {
    /** A chunk of file content. */
    DATA,
    /** A directory listing (a {@link Tree}). */
    TREE
}
