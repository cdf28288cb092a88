package io.streamvault.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The threads of one role in one process: each runs one {@link TransactionalWorker}. */
public final class WorkerPool implements AutoCloseable {
    private final String name;
    private final List<TransactionalWorker<?>> workers;
    private final List<Thread> threads = new ArrayList<>();

    public WorkerPool(String name, List<TransactionalWorker<?>> workers) {
        this.name = name;
        this.workers = List.copyOf(workers);
    }

    public String name() {
        return name;
    }

    public int size() {
        return workers.size();
    }

    public WorkerPool start() {
        int i = 0;
        for (TransactionalWorker<?> w : workers) {
            Thread t = new Thread(w, name + "-" + i++); // short: the kernel shows 15 characters of a thread name
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** Stops every worker after its current batch (committing it) and waits for them. */
    @Override
    public void close() {
        for (TransactionalWorker<?> w : workers) {
            w.stop();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
