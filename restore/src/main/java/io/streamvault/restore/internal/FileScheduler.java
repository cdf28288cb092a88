package io.streamvault.restore.internal;

import io.streamvault.common.util.DaemonThreads;
import io.streamvault.restore.FilePlan;
import io.streamvault.restore.RestoreProgress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the writing of regular files on a bounded pool of workers. A large file is cut into segments
 * of whole chunks that workers write at their offsets in parallel; small files are gathered in
 * batches and submitted in the order of their chunks in the packs. At most a few tasks per worker
 * wait, so the walk stays only a little ahead of the writing.
 */
final class FileScheduler {
    /** A file larger than this is written by several workers at once, in segments of about this size. */
    static final long SEGMENT_BYTES = 16L << 20;
    /** Small files gathered before they are submitted in pack order. */
    static final int BATCH = 512;

    private final FileWriter writer;
    private final RestoreProgress progress;
    private final ThreadPoolExecutor pool;
    private final Semaphore slots;
    private final List<FileJob> batch = new ArrayList<>();

    FileScheduler(int workers, FileWriter writer, RestoreProgress progress) {
        this.writer = writer;
        this.progress = progress;
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("sv-restore"));
        this.slots = new Semaphore(workers * 4);
    }

    /** Schedules a file to be written; its directory stays open until the file is finished. */
    void add(FileJob job) {
        List<FilePlan.Segment> segments = job.plan.segments(SEGMENT_BYTES);
        if (segments.isEmpty()) {
            segments = List.of(new FilePlan.Segment(0, 0, 0, 0)); // an empty file: one task creates it
        }
        job.remaining.set(segments.size());
        job.dir.acquire();
        if (segments.size() == 1 && !job.plan.chunks().isEmpty()) {
            batch.add(job);
            if (batch.size() >= BATCH) {
                flush();
            }
            return;
        }
        submit(job, segments);
    }

    /**
     * Submits the small files gathered so far, sorted by where their first chunk lies (pack, then
     * offset), so that reads of many small files sweep through each pack instead of jumping between
     * packs in tree order.
     */
    void flush() {
        batch.sort(Comparator.comparing((FileJob j) -> j.plan.chunks().get(0).location().pack())
                .thenComparingLong(j -> j.plan.chunks().get(0).location().offset()));
        for (FileJob j : batch) {
            submit(j, j.plan.segments(SEGMENT_BYTES));
        }
        batch.clear();
    }

    /** Waits until every submitted file is finished (flush first); no file can be added after. */
    void awaitAll() {
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                progress.cancel();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(FileJob job, List<FilePlan.Segment> segments) {
        for (FilePlan.Segment s : segments) {
            slots.acquireUninterruptibly();
            try {
                pool.execute(() -> run(job, s));
            } catch (RuntimeException e) {
                slots.release();
                job.fail(e);
                segmentDone(job);
            }
        }
    }

    private void run(FileJob job, FilePlan.Segment s) {
        try {
            writer.writeSegment(job, s);
        } finally {
            slots.release();
            segmentDone(job);
        }
    }

    private void segmentDone(FileJob job) {
        if (job.remaining.decrementAndGet() == 0) {
            writer.finish(job);
        }
    }
}
