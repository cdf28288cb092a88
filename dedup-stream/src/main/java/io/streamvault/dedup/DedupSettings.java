package io.streamvault.dedup;

/**
 * @param pendingTimeoutMs a pending chunk not stored within this time is requested again
 * @param maxSourcesPerJob alternative source locations kept per waiting job, tried when a read mismatches
 */
public record DedupSettings(long pendingTimeoutMs, int maxSourcesPerJob) {
    public static DedupSettings of(long pendingTimeoutMs) {
        return new DedupSettings(pendingTimeoutMs, 4);
    }
}
