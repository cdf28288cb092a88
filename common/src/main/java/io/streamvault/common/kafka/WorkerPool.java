package io.streamvault.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The threads of one role in one process: each runs one {@link TransactionalWorker}. */
public final class WorkerPool implements AutoCloseable {
    private final String name;
    private final List<TransactionalWorker<?>> workers;
    private final List<Thread> threads = new ArrayList<>();

    public WorkerPool(String name, List<TransactionalWorker<?>> workers) {
        this.name = name;
        this.workers = List.copyOf(workers);
    }

    /**
     * The pool of one role: {@code threads} workers reading {@code input} in the consumer group
     * {@code group}, each with its own handler and a stable transactional id {@code GROUP.INSTANCE.N},
     * counting their retries and their consumers' Kafka metrics in {@code meters}.
     */
    public static <V> WorkerPool of(String role, String group, String instance, int threads, KafkaProps props,
            TopicSpec<?, V> input, Supplier<TransactionalWorker.Handler<V>> handler,
            DeadLetterSink deadLetters, WorkerListener listener, int maxPollRecords, MeterRegistry meters) {
        List<TransactionalWorker<?>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String id = group + "." + instance + "." + i;
            workers.add(new TransactionalWorker<>(props, input, handler.get(), deadLetters, listener,
                    new TransactionalWorker.Settings(id, group, id, maxPollRecords, 5_000), meters, role));
        }
        return new WorkerPool(role, workers);
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
