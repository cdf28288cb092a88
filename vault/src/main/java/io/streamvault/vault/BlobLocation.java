package io.streamvault.vault;

/** Where the index says a blob is. */
public record BlobLocation(BlobId id, BlobType type, String pack, long offset, int length, int rawLength) {
}
