package io.streamvault.copier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.metrics.Meters;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The copies a process made (docs/metrics.md), by target: catch-up runs, what they wrote, and how far
 * each target was behind when last measured. The same lag gauges serve the lag the server reads from
 * {@code copy-status} ({@link #measured}).
 */
public final class CopyMeters {
    /** Counts nothing: for copies in processes that serve no metrics. */
    public static final CopyMeters NONE = new CopyMeters(Meters.NONE);
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Copier.Lag>> lags = new ConcurrentHashMap<>();

    public CopyMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A catch-up run to {@code target} ended: done, or failed. */
    void ran(String target, boolean done) {
        Counter.builder("streamvault.copy.runs").description("Catch-up runs of copies (at a copier's start, every"
                + " copy.catchup.interval.ms, after a plan's run), by target and outcome.").tag("target", target)
                .tag("result", done ? "done" : "failed").register(registry).increment();
    }

    /** An object of {@code bytes} was written to the copy at {@code target}. */
    void copied(String target, long bytes) {
        Counter.builder("streamvault.copy.objects").description("Objects written to copies, by target.")
                .tag("target", target).register(registry).increment();
        Counter.builder("streamvault.copy.written").baseUnit("bytes").description("Bytes written to copies, by target.")
                .tag("target", target).register(registry).increment(bytes);
    }

    /** How far the copy at {@code target} is behind, as just measured. */
    public void measured(String target, Copier.Lag lag) {
        lags.computeIfAbsent(target, t -> {
            AtomicReference<Copier.Lag> last = new AtomicReference<>(lag);
            gauge(t, last, "streamvault.copy.lag.objects", "Objects of the vault not on the copy, when last measured.",
                    Copier.Lag::objects);
            gauge(t, last, "streamvault.copy.lag.bytes", "Bytes of the vault not on the copy, when last measured.",
                    Copier.Lag::bytes);
            gauge(t, last, "streamvault.copy.lag.snapshots", "Snapshots not on the copy, when last measured.",
                    Copier.Lag::snapshots);
            gauge(t, last, "streamvault.copy.lag.seconds", "How long ago the oldest snapshot not on the copy was sealed"
                    + " (0: none is missing), when last measured.", Copier.Lag::seconds);
            return last;
        }).set(lag);
    }

    private void gauge(String target, AtomicReference<Copier.Lag> last, String name, String help,
            ToDoubleFunction<Copier.Lag> value) {
        Gauge.builder(name, last, l -> value.applyAsDouble(l.get())).description(help).tag("target", target)
                .register(registry);
    }
}
