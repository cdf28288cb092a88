package io.streamvault.launcher.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.util.Sizes;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.WorkerStats;
import java.io.PrintStream;
import java.util.Map;

/** The end of a backup, for people and for scripts ({@code --json}). */
public final class Summary {
    /** Exit status of a backup that completed but could not read everything (as restic does). */
    public static final int EXIT_INCOMPLETE = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JobStatus status;
    private final long durationMs;

    public Summary(JobStatus status, long durationMs) {
        this.status = status;
        this.durationMs = durationMs;
    }

    /** Writes the summary: one JSON line for scripts ({@code --json}), else lines for people. */
    public void write(PrintStream out, boolean json) {
        if (json) {
            out.println(json());
        } else {
            print(out);
        }
        out.flush();
    }

    /** The backup command's exit status: 0, or {@link #EXIT_INCOMPLETE}. */
    public int exitStatus() {
        return incomplete() ? EXIT_INCOMPLETE : 0;
    }

    public boolean incomplete() {
        return status.getWarningsTotal() > 0 || status.getProgress().getFilesSkipped() > 0;
    }

    public String json() {
        JobProgress p = status.getProgress();
        ObjectNode o = JSON.createObjectNode();
        o.put("snapshot", status.getSnapshot());
        o.put("job", status.getJob());
        o.put("files_new", p.getFilesNew());
        o.put("files_changed", p.getFilesChanged());
        o.put("files_unmodified", p.getFilesUnmodified());
        o.put("files_skipped", p.getFilesSkipped());
        o.put("dirs", p.getDirsTotal());
        o.put("bytes_read", p.getBytesRead());
        o.put("bytes_added", p.getBytesAdded());
        o.put("total_bytes", p.getBytesTotal());
        o.put("chunks_new", p.getChunksNew());
        o.put("duration_ms", durationMs);
        o.put("incomplete", incomplete());
        o.put("warnings_total", status.getWarningsTotal());
        var w = o.putArray("warnings");
        status.getWarnings().forEach(w::add);
        ObjectNode workers = o.putObject("workers");
        for (Map.Entry<String, WorkerStats> e : p.getWorkers().entrySet()) {
            ObjectNode s = workers.putObject(e.getKey());
            s.put("dirs", e.getValue().getDirs());
            s.put("files", e.getValue().getFiles());
            s.put("bytes_read", e.getValue().getBytesRead());
            s.put("chunks_uploaded", e.getValue().getChunksUploaded());
            s.put("bytes_uploaded", e.getValue().getBytesUploaded());
        }
        return o.toString();
    }

    public void print(PrintStream out) {
        JobProgress p = status.getProgress();
        for (String w : status.getWarnings()) {
            out.println("warning: " + w);
        }
        if (status.getWarningsTotal() > status.getWarnings().size()) {
            out.println("warning: ... and " + (status.getWarningsTotal() - status.getWarnings().size()) + " more");
        }
        out.printf("files: %d new, %d changed, %d unmodified, %d skipped; %d directories%n", p.getFilesNew(),
                p.getFilesChanged(), p.getFilesUnmodified(), p.getFilesSkipped(), p.getDirsTotal());
        out.printf("read %s of %s, added %s to the vault in %s%n", Sizes.bytes(p.getBytesRead()),
                Sizes.bytes(p.getBytesTotal()), Sizes.bytes(p.getBytesAdded()), Sizes.duration(durationMs));
        if (incomplete()) {
            out.println("the snapshot is incomplete: some entries could not be read (see the warnings)");
        }
        out.println("snapshot " + status.getSnapshot() + " saved");
    }
}
