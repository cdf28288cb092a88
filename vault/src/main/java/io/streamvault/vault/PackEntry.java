package io.streamvault.vault;

/** Where one blob sits in a pack: {@code length} stored bytes at {@code offset}. */
public record PackEntry(BlobId id, BlobType type, long offset, int length, int rawLength) {
}
