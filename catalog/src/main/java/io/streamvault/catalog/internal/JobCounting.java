package io.streamvault.catalog.internal;

import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.WorkerStats;
import java.util.ArrayList;
import java.util.HashMap;

/** The counting rules that decide when a job is complete: every expected count equals its received count. */
public final class JobCounting {
    /** Warnings kept in full per job; the rest are only counted. */
    public static final int MAX_WARNINGS = 100;

    private JobCounting() {
    }

    public static CatalogJob newJob(String job) {
        JobProgress p = JobProgress.newBuilder().setWorkers(new HashMap<>()).build();
        return CatalogJob.newBuilder()
                .setJob(job)
                .setProgress(p)
                .setFailedChunks(new ArrayList<>())
                .setWarnings(new ArrayList<>())
                .setState(JobState.RUNNING)
                .build();
    }

    public static boolean complete(CatalogJob j) {
        JobProgress p = j.getProgress();
        return j.getState() == JobState.RUNNING
                && j.getStarted() != null
                && j.getRoot() != null
                && p.getDirsScanned() == p.getDirsExpected()
                && p.getEntriesReceived() == p.getEntriesExpected()
                && p.getPartsReceived() == p.getPartsExpected()
                && p.getRereadsReceived() == p.getRereadsExpected()
                && p.getChunksAcked() == p.getChunksExpected();
    }

    public static WorkerStats worker(CatalogJob j, String worker) {
        String name = worker == null || worker.isEmpty() ? "unknown" : worker;
        return j.getProgress().getWorkers().computeIfAbsent(name, w -> WorkerStats.newBuilder().build());
    }

    public static void warn(CatalogJob j, String warning) {
        j.setWarningsTotal(j.getWarningsTotal() + 1);
        if (j.getWarnings().size() < MAX_WARNINGS) {
            j.getWarnings().add(warning);
        }
    }
}
