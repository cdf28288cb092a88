package io.streamvault.server;

import java.time.Instant;
import java.util.List;

/**
 * A backup job as {@code GET /jobs} shows it: what it backs up, where it is, and its progress, as the
 * pipeline last reported it (topics {@code jobs} and {@code job-status}).
 *
 * @param state {@code running}, {@code sealed} or {@code failed}
 * @param updated when the pipeline last reported the job
 * @param ended when it was sealed or failed; null while it runs
 * @param filesDone entries (files, directories, links) the catalog has received
 * @param filesTotal entries the scanners found so far; final once {@code totalsFinal}
 * @param totalsFinal whether the scan is complete, so the totals no longer grow
 * @param bytesToRead bytes of the files the chunkers must read (new and changed files)
 * @param rateBytesPerS bytes read per second since the job started
 * @param etaMs estimated time to the end of the reading, or -1 when it cannot be told yet
 * @param snapshot the sealed snapshot's id, or null
 * @param error why it failed, or null
 */
public record JobView(String id, String state, String host, String path, List<String> tags, Instant started,
        Instant updated, Instant ended, long filesDone, long filesTotal, boolean totalsFinal, long bytesRead,
        long bytesToRead, long bytesTotal, long bytesAdded, long rateBytesPerS, long etaMs, String snapshot,
        String error) {
    public JobView {
        tags = List.copyOf(tags);
    }
}
