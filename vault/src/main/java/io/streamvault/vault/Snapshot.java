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
 */
public record Snapshot(int version, long timeNs, long endTimeNs, BlobId tree, byte[] path, String hostname,
        String username, List<String> tags, String parent, String job, boolean incomplete, List<String> warnings,
        long warningsTotal, Map<String, Long> summary) {
}
