package io.streamvault.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one restore, read from any thread while it runs, and its cancel switch. Totals
 * grow while the snapshot's trees are walked ({@link Status#walkDone} false) and are final after.
 */
public final class RestoreProgress {
    /** Errors kept in full; later ones are only counted. */
    public static final int MAX_ERRORS = 1000;

    /** A consistent-enough copy of the counters. */
    public record Status(long filesDone, long filesTotal, long bytesDone, long bytesTotal, long dirs, long skipped,
            long errors, boolean walkDone, boolean cancelled, long elapsedMs) {
        /** Bytes per second so far. */
        public double rate() {
            return elapsedMs <= 0 ? 0 : bytesDone * 1000.0 / elapsedMs;
        }

        /** Estimated milliseconds left, or -1 while unknown (walk not done, nothing written yet). */
        public long etaMs() {
            double r = rate();
            if (!walkDone || r <= 0) {
                return -1;
            }
            return (long) (Math.max(0, bytesTotal - bytesDone) * 1000 / r);
        }
    }

    final AtomicLong filesDone = new AtomicLong();
    final AtomicLong filesTotal = new AtomicLong();
    final AtomicLong bytesDone = new AtomicLong();
    final AtomicLong bytesTotal = new AtomicLong();
    final AtomicLong dirs = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong errorCount = new AtomicLong();
    private final List<String> errors = new ArrayList<>();
    private final long start = System.nanoTime();
    private volatile boolean walkDone;
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public Status status() {
        return new Status(filesDone.get(), filesTotal.get(), bytesDone.get(), bytesTotal.get(), dirs.get(),
                skipped.get(), errorCount.get(), walkDone, cancelled, (System.nanoTime() - start) / 1_000_000);
    }

    /** The first {@link #MAX_ERRORS} errors, each naming the entry (relative path) and what went wrong. */
    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    // -- for the restore itself ------------------------------------------------------------------

    /** Records one error. */
    public void error(String message) {
        errorCount.incrementAndGet();
        synchronized (errors) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(message);
            }
        }
    }

    public void walkDone() {
        walkDone = true;
    }

    public void addTotal(long files, long bytes) {
        filesTotal.addAndGet(files);
        bytesTotal.addAndGet(bytes);
    }

    public void fileDone() {
        filesDone.incrementAndGet();
    }

    public void bytesDone(long n) {
        bytesDone.addAndGet(n);
    }

    public void dirDone() {
        dirs.incrementAndGet();
    }

    public void skipped() {
        skipped.incrementAndGet();
    }
}
