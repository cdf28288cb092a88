package io.streamvault.vault.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small bounded pool of expensive per-thread-use objects (zstd contexts with their buffers).
 * Objects beyond the bound, and every object after {@link #close}, are disposed when released.
 */
final class Pool<T> implements AutoCloseable {
    private final ArrayBlockingQueue<T> idle;
    private final Supplier<T> factory;
    private final Consumer<T> disposer;
    private volatile boolean closed;

    Pool(int capacity, Supplier<T> factory, Consumer<T> disposer) {
        this.idle = new ArrayBlockingQueue<>(capacity);
        this.factory = factory;
        this.disposer = disposer;
    }

    T take() {
        T t = idle.poll();
        return t != null ? t : factory.get();
    }

    void release(T t) {
        if (closed || !idle.offer(t)) {
            disposer.accept(t);
        } else if (closed && idle.remove(t)) {
            disposer.accept(t);
        }
    }

    @Override
    public void close() {
        closed = true;
        T t;
        while ((t = idle.poll()) != null) {
            disposer.accept(t);
        }
    }
}
