package io.streamvault.maintenance;

import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** Snapshots for retention tests: only what the rules look at is filled in. */
final class SnapshotFixtures {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private SnapshotFixtures() {
    }

    static SnapshotRef snapshot(String id, Instant sealed, String host, byte[] path, List<String> tags,
            boolean incomplete) {
        long endNs = sealed.getEpochSecond() * 1_000_000_000L + sealed.getNano();
        Snapshot s = new Snapshot(1, endNs - 60_000_000_000L, endNs, null, path, host, "user", tags, null, "job-" + id,
                incomplete, List.of(), 0, Map.of());
        return new SnapshotRef(id, s);
    }

    /** A complete snapshot of node1:/data. */
    static SnapshotRef complete(String id, Instant sealed) {
        return snapshot(id, sealed, "node1", bytes("/data"), List.of(), false);
    }

    /** An incomplete snapshot of node1:/data. */
    static SnapshotRef incomplete(String id, Instant sealed) {
        return snapshot(id, sealed, "node1", bytes("/data"), List.of(), true);
    }

    static SnapshotRef tagged(String id, Instant sealed, String... tags) {
        return snapshot(id, sealed, "node1", bytes("/data"), List.of(tags), false);
    }

    /** {@code text} (ISO local date-time, e.g. 2025-04-21T11:00) read as UTC. */
    static Instant utc(String text) {
        return LocalDateTime.parse(text).atZone(ZoneId.of("UTC")).toInstant();
    }

    /** {@code text} (ISO local date-time) read as Europe/Berlin time; in an overlap, the earlier offset. */
    static Instant berlin(String text) {
        return LocalDateTime.parse(text).atZone(BERLIN).toInstant();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Instant sealed(SnapshotRef ref) {
        return Instant.ofEpochSecond(0, ref.snapshot().endTimeNs());
    }
}
