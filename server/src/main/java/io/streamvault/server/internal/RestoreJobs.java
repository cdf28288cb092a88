package io.streamvault.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.restore.Restorer;
import io.streamvault.restore.Times;
import io.streamvault.vault.SnapshotRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore jobs: created by POST, run a few at a time on their own threads (each with its own pool
 * of file workers, see {@link Restorer}), inspected and cancelled by id. Jobs live in memory: at
 * most a bound of them wait (one more is refused with {@link ErrorCode#QUEUE_FULL}), a cancelled
 * one leaves the queue at once, and the last {@link #KEEP} finished ones are kept without their
 * requests.
 */
public final class RestoreJobs implements AutoCloseable {
    static final int KEEP = 200;
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJobs.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A job's life. */
    public enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

    /** One restore job. */
    public static final class Job {
        final String id;
        final SnapshotRef snapshot;
        final Path target;
        final RestoreRoots.Placement placement;
        final Overwrite overwrite;
        /** The request's options (globs and all, up to the body limit), dropped once the job is over. */
        volatile RestoreOptions options;
        volatile Runnable task;
        final String owner;
        final long createdNs = System.currentTimeMillis() * 1_000_000L;
        final RestoreProgress progress = new RestoreProgress();
        volatile State state = State.QUEUED;
        volatile long startedNs;
        volatile long finishedNs;
        volatile String failure;
        volatile ErrorCode failureCode;

        Job(String id, SnapshotRef snapshot, RestoreRoots.Placement placement, RestoreOptions options, String owner) {
            this.id = id;
            this.snapshot = snapshot;
            this.target = placement.target();
            this.placement = placement;
            this.overwrite = options.overwrite();
            this.options = options;
            this.owner = owner;
        }

        public String id() {
            return id;
        }

        public State state() {
            return state;
        }

        public JsonObject json() {
            RestoreProgress.Status s = progress.status();
            JsonObject o = new JsonObject()
                    .put("id", id)
                    .put("state", state.name().toLowerCase())
                    .put("snapshot", snapshot.id())
                    .put("target", RawPaths.display(target))
                    .put("overwrite", overwrite.id())
                    .put("created", Times.format(createdNs))
                    .put("started", startedNs == 0 ? null : Times.format(startedNs))
                    .put("finished", finishedNs == 0 ? null : Times.format(finishedNs))
                    .put("files_done", s.filesDone())
                    .put("files_total", s.filesTotal())
                    .put("bytes_done", s.bytesDone())
                    .put("bytes_total", s.bytesTotal())
                    .put("dirs", s.dirs())
                    .put("skipped", s.skipped())
                    .put("totals_final", s.walkDone())
                    .put("rate_bytes_per_s", state == State.RUNNING ? (long) s.rate() : null)
                    .put("eta_ms", state == State.RUNNING && s.etaMs() >= 0 ? s.etaMs() : null)
                    .put("errors_total", s.errors())
                    .put("errors", new JsonArray(new ArrayList<>(progress.errors())));
            if (failure != null) {
                o.put("failure", new JsonObject().put("code", failureCode.id()).put("message", failure));
            }
            return o;
        }
    }

    private final Browser browser;
    private final ThreadPoolExecutor runners;
    private final int maxQueued;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<State, Counter> ended = new EnumMap<>(State.class);

    /**
     * @param concurrent jobs that run at once
     * @param maxQueued jobs that may wait beside them
     * @param meters where the jobs are counted (docs/metrics.md)
     */
    public RestoreJobs(Browser browser, int concurrent, int maxQueued, MeterRegistry meters) {
        for (State s : List.of(State.DONE, State.FAILED, State.CANCELLED)) {
            ended.put(s, Counter.builder("streamvault.restores").description("Restore jobs the server ran, by how they"
                    + " ended.").tag("result", s.name().toLowerCase(Locale.ROOT)).register(meters));
        }
        Gauge.builder("streamvault.restores.running", this, j -> j.list().stream().filter(x -> x.state == State.RUNNING)
                .count()).description("Restore jobs running now (queued ones not counted).").register(meters);
        this.browser = browser;
        this.maxQueued = maxQueued;
        this.runners = new ThreadPoolExecutor(concurrent, concurrent, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("sv-restore-job"));
    }

    /** Queues a restore into {@code placement}, confined again when it runs (see {@link RestoreRoots#place}). */
    Job submit(SnapshotRef snapshot, RestoreRoots.Placement placement, RestoreOptions options, String owner) {
        byte[] r = new byte[12];
        RANDOM.nextBytes(r);
        Job job = new Job(HexFormat.of().formatHex(r), snapshot, placement, options, owner);
        job.task = () -> run(job);
        synchronized (jobs) {
            long waiting = runners.getQueue().size(); // jobs no runner took: a job an idle runner starts never waits
            if (waiting >= maxQueued) {
                throw new FatalException(ErrorCode.QUEUE_FULL, waiting + " restore jobs wait already, as many as this"
                        + " server queues: try again once one has started, or cancel one");
            }
            jobs.put(job.id, job);
            prune();
        }
        runners.execute(job.task);
        LOG.info("restore job {} by {}: snapshot {} to {}", job.id, owner, snapshot.id().substring(0, 8),
                RawPaths.display(job.target));
        return job;
    }

    private void run(Job job) {
        if (job.progress.cancelled()) {
            cancelled(job);
            return;
        }
        job.startedNs = System.currentTimeMillis() * 1_000_000L;
        job.state = State.RUNNING;
        try {
            Restorer.Result r = new Restorer(browser.vault(), browser.freshIndex())
                    .restore(job.snapshot, job.placement.root(), job.placement.below(), job.options, job.progress);
            job.state = r.cancelled() ? State.CANCELLED : State.DONE;
        } catch (StreamVaultException e) {
            job.failureCode = e.code();
            job.failure = e.getMessage();
            job.state = State.FAILED;
        } catch (RuntimeException | Error e) {
            LOG.error("restore job {} failed", job.id, e);
            job.failureCode = ErrorCode.INTERNAL;
            job.failure = e.toString();
            job.state = State.FAILED;
        } finally {
            job.finishedNs = System.currentTimeMillis() * 1_000_000L;
            job.options = null;
            Counter c = ended.get(job.state);
            if (c != null) {
                c.increment();
            }
        }
    }

    private void cancelled(Job job) {
        job.options = null;
        job.finishedNs = System.currentTimeMillis() * 1_000_000L;
        job.state = State.CANCELLED;
        ended.get(State.CANCELLED).increment();
    }

    public Job get(String id) {
        synchronized (jobs) {
            Job j = jobs.get(id);
            if (j == null) {
                throw new FatalException(ErrorCode.NOT_FOUND, "no restore job " + id);
            }
            return j;
        }
    }

    public List<Job> list() {
        synchronized (jobs) {
            return List.copyOf(jobs.values());
        }
    }

    /** Asks the job to stop; a queued job never starts, and leaves the queue now. */
    public Job cancel(String id) {
        Job j = get(id);
        j.progress.cancel();
        if (runners.remove(j.task)) {
            cancelled(j);
        }
        return j;
    }

    private void prune() {
        int finished = 0;
        for (Job j : jobs.values()) {
            if (j.state != State.QUEUED && j.state != State.RUNNING) {
                finished++;
            }
        }
        var it = jobs.values().iterator();
        while (finished > KEEP && it.hasNext()) {
            Job j = it.next();
            if (j.state != State.QUEUED && j.state != State.RUNNING) {
                it.remove();
                finished--;
            }
        }
    }

    @Override
    public void close() {
        for (Job j : list()) {
            j.progress.cancel();
        }
        runners.shutdown();
        try {
            runners.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
