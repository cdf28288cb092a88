package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs storage reads of many small objects on a few short-lived threads. */
final class Parallel {
    /** Parallel reads: enough to hide object-store latency, few enough to stay polite. */
    static final int THREADS = 8;

    private Parallel() {
    }

    /**
     * Applies fn to every item, results in item order. The first failure is thrown once all
     * tasks are done, with the other failures attached as suppressed.
     */
    static <T, R> List<R> map(List<T> items, Function<T, R> fn) {
        if (items.size() <= 1) {
            List<R> out = new ArrayList<>(items.size());
            for (T t : items) {
                out.add(fn.apply(t));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, items.size()),
                DaemonThreads.numbered("vault-read-"));
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T t : items) {
                futures.add(pool.submit(() -> fn.apply(t)));
            }
            List<R> out = new ArrayList<>(items.size());
            RuntimeException first = null;
            for (Future<R> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : Errors.internal("parallel read failed: " + e.getCause(), e.getCause());
                    if (first == null) {
                        first = cause;
                    } else if (first != cause) {
                        first.addSuppressed(cause);
                    }
                    out.add(null);
                }
            }
            if (first != null) {
                throw first;
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalException(ErrorCode.CANCELLED, "interrupted while reading vault objects", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
