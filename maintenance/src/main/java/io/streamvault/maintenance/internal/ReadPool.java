package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** The threads a check or a garbage collection reads the storage with. */
public final class ReadPool implements AutoCloseable {
    private final ExecutorService pool;

    public ReadPool(int threads) {
        pool = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("vault-read-"));
    }

    /**
     * {@code fn} over {@code items} on the pool, results in item order. The first exception thrown by
     * {@code fn} cancels the rest and is rethrown.
     */
    public <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> fn) {
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
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r
                            : new FatalException(ErrorCode.INTERNAL, "a read failed: " + e.getCause(), e.getCause());
                    futures.forEach(x -> x.cancel(true));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException(ErrorCode.CANCELLED, "interrupted", e);
            } catch (CancellationException e) {
                // cancelled after the first failure, which is thrown below
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
