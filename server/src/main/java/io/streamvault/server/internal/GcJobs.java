package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.maintenance.GcMeters;
import io.streamvault.maintenance.Reports;
import io.streamvault.restore.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage collections started over the API. At most one runs at a time (starting another while one
 * runs is a {@link ErrorCode#CONFLICT}), on a thread of its own. A dry run needs only the vault; a
 * real one takes a coordinator from the factory the server was given (the launcher's, over the
 * vault's Kafka pipeline) and closes it after the run; without a factory a real run is
 * {@link ErrorCode#UNSUPPORTED}. Jobs live in memory; the last {@link #KEEP} finished ones are kept.
 */
public final class GcJobs implements AutoCloseable {
    static final int KEEP = 50;
    static final int MAX_NOTES = 100;
    private static final Logger LOG = LoggerFactory.getLogger(GcJobs.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A job's life. */
    public enum State { RUNNING, DONE, FAILED }

    /** One collection. */
    public static final class Job {
        final String id;
        final boolean dryRun;
        final long startedNs = System.currentTimeMillis() * 1_000_000L;
        final List<String> notes = new ArrayList<>();
        volatile State state = State.RUNNING;
        volatile String phase = "starting";
        volatile long done;
        volatile long total;
        volatile long endedNs;
        volatile GarbageCollector.Result result;
        volatile ErrorCode errorCode;
        volatile String error;

        Job(String id, boolean dryRun) {
            this.id = id;
            this.dryRun = dryRun;
        }

        public String id() {
            return id;
        }

        public State state() {
            return state;
        }

        public JsonObject json() {
            State s = state;
            JsonArray n;
            synchronized (notes) {
                n = new JsonArray(new ArrayList<>(notes));
            }
            JsonObject o = new JsonObject()
                    .put("id", id)
                    .put("state", s.name().toLowerCase())
                    .put("dry_run", dryRun)
                    .put("phase", phase)
                    .put("done", done)
                    .put("total", total)
                    .put("started", Times.format(startedNs))
                    .put("ended", endedNs == 0 ? null : Times.format(endedNs))
                    .put("notes", n);
            if (s == State.DONE) {
                o.put("result", JsonForms.of(Reports.gc(result)));
            }
            if (s == State.FAILED) {
                o.put("error", new JsonObject().put("code", errorCode.id()).put("message", error));
            }
            return o;
        }

        private GarbageCollector.Progress progress() {
            return new GarbageCollector.Progress() {
                @Override
                public void update(String p, long d, long t) {
                    phase = p;
                    done = d;
                    total = t;
                }

                @Override
                public void note(String line) {
                    Job.this.note(line);
                }
            };
        }

        void note(String line) {
            synchronized (notes) {
                if (notes.size() < MAX_NOTES) {
                    notes.add(line);
                }
            }
        }
    }

    private final Browser browser;
    private final Supplier<GcCoordinator> coordinators;
    private final GcMeters meters;
    private final ExecutorService runner;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private Job running;

    /**
     * @param coordinators opens the coordinator of a real run, closed after it; null when this server
     *     has none (then only dry runs are possible)
     * @param meters where the collections are counted (docs/metrics.md)
     */
    public GcJobs(Browser browser, Supplier<GcCoordinator> coordinators, GcMeters meters) {
        this.meters = meters;
        this.browser = browser;
        this.coordinators = coordinators;
        this.runner = Executors.newSingleThreadExecutor(DaemonThreads.named("sv-gc-job"));
    }

    /** Starts a collection, unless one is running. */
    public Job start(GarbageCollector.Options options, String owner) {
        if (!options.dryRun() && coordinators == null) {
            throw new FatalException(ErrorCode.UNSUPPORTED, "this server runs no garbage collection of its own: it was"
                    + " started without the vault's Kafka pipeline, which a collection must coordinate with while"
                    + " backups run. Run \"streamvault gc\" where the pipeline is, or ask for \"dry_run\": true");
        }
        byte[] r = new byte[12];
        RANDOM.nextBytes(r);
        Job job = new Job(HexFormat.of().formatHex(r), options.dryRun());
        synchronized (jobs) {
            if (running != null) {
                throw new FatalException(ErrorCode.CONFLICT, "garbage collection " + running.id + " is running (since "
                        + Times.format(running.startedNs) + "): one at a time; GET " + Api.BASE + "/gc/" + running.id
                        + " tells when it ends");
            }
            running = job;
            jobs.put(job.id, job);
            prune();
        }
        LOG.info("garbage collection {} by {}{}", job.id, owner, options.dryRun() ? " (dry run)" : "");
        try {
            runner.execute(() -> run(job, options));
        } catch (RuntimeException e) {
            end(job, null, ErrorCode.CANCELLED, "the server is closing");
            throw new FatalException(ErrorCode.CANCELLED, "the server is closing", e);
        }
        return job;
    }

    private void run(Job job, GarbageCollector.Options options) {
        GarbageCollector.Result result = null;
        ErrorCode code = null;
        String error = null;
        try {
            result = meters.count(options.dryRun(), () -> options.dryRun()
                    ? new GarbageCollector(browser.vault(), GcCoordinator.alone(), options).run(job.progress())
                    : collect(job, options));
        } catch (StreamVaultException e) {
            LOG.warn("garbage collection {} failed: {}", job.id, e.getMessage());
            code = e.code();
            error = e.getMessage();
        } catch (RuntimeException | Error e) {
            LOG.error("garbage collection {} failed", job.id, e);
            code = ErrorCode.INTERNAL;
            error = e.toString();
        }
        end(job, result, code, error);
    }

    private GarbageCollector.Result collect(Job job, GarbageCollector.Options options) {
        job.phase = "connecting to the pipeline";
        GcCoordinator c = coordinators.get();
        try {
            GarbageCollector.Result r = new GarbageCollector(browser.vault(), c, options).run(job.progress());
            browser.freshIndex(); // packs were deleted and repacked: serve from the new index
            return r;
        } finally {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("garbage collection {}: closing the coordinator failed", job.id, e);
                job.note("closing the coordinator failed: " + e.getMessage());
            }
        }
    }

    /** Records the outcome and frees the place, together: a client that sees the end may start the next. */
    private void end(Job job, GarbageCollector.Result result, ErrorCode code, String error) {
        synchronized (jobs) {
            job.endedNs = System.currentTimeMillis() * 1_000_000L;
            job.result = result;
            job.errorCode = code;
            job.error = error;
            job.state = code == null ? State.DONE : State.FAILED;
            if (running == job) {
                running = null;
            }
        }
    }

    /** Every collection the server remembers, the newest first. */
    public List<Job> list() {
        synchronized (jobs) {
            List<Job> all = new ArrayList<>(jobs.values());
            Collections.reverse(all);
            return all;
        }
    }

    public Job get(String id) {
        synchronized (jobs) {
            Job j = jobs.get(id);
            if (j == null) {
                throw new FatalException(ErrorCode.NOT_FOUND, "no garbage collection " + id);
            }
            return j;
        }
    }

    private void prune() {
        int finished = jobs.size() - (running == null ? 0 : 1);
        var it = jobs.values().iterator();
        while (finished > KEEP && it.hasNext()) {
            if (it.next() != running) {
                it.remove();
                finished--;
            }
        }
    }

    /**
     * Stops taking jobs and interrupts a running one, waiting a while for it. A collection that is cut
     * short deletes nothing more, and the next one completes it (docs/gc.md, Crashes).
     */
    @Override
    public void close() {
        runner.shutdownNow();
        try {
            runner.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
