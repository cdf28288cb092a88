package io.streamvault.vault;

/**
 * Choices fixed when a vault is created.
 *
 * @param chunkMin smallest chunk (bytes), default 256 KiB
 * @param chunkAvg target average chunk, a power of two, default 1 MiB
 * @param chunkMax largest chunk, default 4 MiB
 * @param compressionLevel zstd level for blobs, default 2 (with a larger hash table than zstd's own
 *     level 2): on the benchmark data set it stores 0.3% less than level 3 and compresses about 1.4
 *     times faster (docs/performance.md)
 * @param kdfLogN scrypt cost, N = 2^kdfLogN, default 15 (tests may use less)
 */
public record VaultOptions(int chunkMin, int chunkAvg, int chunkMax, int compressionLevel, int kdfLogN) {
    public static VaultOptions defaults() {
        return new VaultOptions(256 << 10, 1 << 20, 4 << 20, 2, 15);
    }

    public VaultOptions withKdfLogN(int n) {
        return new VaultOptions(chunkMin, chunkAvg, chunkMax, compressionLevel, n);
    }

    public VaultOptions withCompressionLevel(int level) {
        return new VaultOptions(chunkMin, chunkAvg, chunkMax, level, kdfLogN);
    }

    public VaultOptions withChunkSizes(int min, int avg, int max) {
        return new VaultOptions(min, avg, max, compressionLevel, kdfLogN);
    }
}
