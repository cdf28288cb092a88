package io.streamvault.vault;

import java.util.List;
import java.util.Map;

/**
 * A snapshot object: the root tree of one backup and how it was made.
 *
 * @param path absolute path that was backed up, raw bytes
 * @param timeNs when the backup started, ns since the epoch
 * @param endTimeNs when it was sealed
 * @param parent id of the snapshot it was compared with, or null
 * @param job the pipeline job that made it
 * @param incomplete true when some entries could not be read (see warnings)
 * @param summary counters: files_new, files_changed, files_unmodified, bytes_read, bytes_added, ...
 * @param retainUntilNs until when the snapshot must be kept (ns since the epoch), 0 for no retention;
 *     the vault raises it to the vault lock's minimum when it writes the snapshot
 * @param lockMode the mode of that retention, null without one
 */
public record Snapshot(int version, long timeNs, long endTimeNs, BlobId tree, byte[] path, String hostname,
        String username, List<String> tags, String parent, String job, boolean incomplete, List<String> warnings,
        long warningsTotal, Map<String, Long> summary, long retainUntilNs, LockMode lockMode) {

    /** A snapshot without retention. */
    public Snapshot(int version, long timeNs, long endTimeNs, BlobId tree, byte[] path, String hostname,
            String username, List<String> tags, String parent, String job, boolean incomplete, List<String> warnings,
            long warningsTotal, Map<String, Long> summary) {
        this(version, timeNs, endTimeNs, tree, path, hostname, username, tags, parent, job, incomplete, warnings,
                warningsTotal, summary, 0, null);
    }

    /** This snapshot kept until {@code untilNs} in {@code mode} (the version that records it). */
    public Snapshot retained(long untilNs, LockMode mode) {
        return new Snapshot(untilNs > 0 ? 2 : 1, timeNs, endTimeNs, tree, path, hostname, username, tags, parent, job,
                incomplete, warnings, warningsTotal, summary, untilNs, untilNs > 0 ? mode : null);
    }
}
