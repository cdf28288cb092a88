package io.streamvault.vault;

/**
 * A blob compressed and encrypted, ready to go into a pack.
 *
 * @param data the stored bytes (nonce, ciphertext, tag)
 * @param rawLength the plaintext length
 */
public record EncodedBlob(BlobType type, BlobId id, byte[] data, int rawLength) {
}
