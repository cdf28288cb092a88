package io.streamvault.launcher.internal;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.server.JobView;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** A backup job's records as the API shows them ({@link JobView}): the counters, the rate and the ETA. */
final class JobViews {
    private JobViews() {
    }

    /**
     * @param job the job's options, or null when its record is no longer read (older than the look-back)
     * @param status its latest status, or null when the pipeline has not reported it yet
     */
    static JobView of(String id, JobStarted job, JobStatus status) {
        Instant started = job != null ? Instant.ofEpochSecond(0, job.getTimeNs())
                : status != null ? Instant.ofEpochMilli(status.getTimeMs()) : Instant.EPOCH;
        String host = job == null ? "" : job.getHost();
        String path = job == null ? "" : RawPaths.display(bytes(job.getRoot()));
        List<String> tags = job == null ? List.of() : job.getTags().stream().map(Object::toString).toList();
        if (status == null) {
            return new JobView(id, "running", host, path, tags, started, null, null, 0, 0, false, 0, 0, 0, 0, 0, -1, null,
                    null);
        }
        JobProgress p = status.getProgress();
        Instant updated = Instant.ofEpochMilli(status.getTimeMs());
        boolean running = status.getState() == JobState.RUNNING;
        boolean scanned = p.getDirsScanned() >= p.getDirsExpected();
        // the rate since the start: unknown without the job's record (older than the look-back)
        long elapsedMs = Math.max(1, updated.toEpochMilli() - started.toEpochMilli());
        long rate = job == null ? -1 : p.getBytesRead() * 1000 / elapsedMs;
        long left = Math.max(0, p.getBytesToRead() - p.getBytesRead());
        long eta = !running ? 0 : scanned && left == 0 ? 0 : scanned && rate > 0 ? left * 1000 / rate : -1;
        return new JobView(id, status.getState().name().toLowerCase(), host, path, tags, started, updated,
                running ? null : updated, p.getEntriesReceived(), p.getEntriesExpected(), scanned || !running,
                p.getBytesRead(), p.getBytesToRead(), p.getBytesTotal(), p.getBytesAdded(), rate, eta,
                status.getSnapshot() == null ? null : status.getSnapshot().toString(),
                status.getError() == null ? null : status.getError().toString());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
