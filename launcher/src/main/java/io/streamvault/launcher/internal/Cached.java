package io.streamvault.launcher.internal;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A supplier that asks its source at most once per period and answers the last value meanwhile:
 * for what a server shows that costs a round trip to measure (the copies' lag opens the pipeline),
 * so that every browser tab polling it costs one measurement, not one each.
 */
public final class Cached<T> implements Supplier<T> {
    private final Supplier<T> source;
    private final long periodNs;
    private T value;
    private long atNs;
    private boolean known;

    public Cached(Supplier<T> source, Duration period) {
        this.source = source;
        this.periodNs = period.toNanos();
    }

    @Override
    public synchronized T get() {
        long now = System.nanoTime();
        if (!known || now - atNs >= periodNs) {
            value = source.get();
            atNs = System.nanoTime();
            known = true;
        }
        return value;
    }
}
