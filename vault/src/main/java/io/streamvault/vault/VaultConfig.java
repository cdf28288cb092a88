package io.streamvault.vault;

/**
 * The vault's config object, decrypted.
 *
 * @param version format version, 1
 * @param id random vault id, 64 hex digits
 * @param gearSeed 32 random bytes from which the chunker derives its gear table, so chunk
 *     boundaries reveal nothing to anyone without the key
 */
public record VaultConfig(int version, String id, int chunkMin, int chunkAvg, int chunkMax, byte[] gearSeed,
        int compressionLevel) {
}
