package io.streamvault.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * How far each copy of the vault is behind, as last measured (docs/metrics.md): one set of gauges per
 * target, the same whether a copier measured it in this process or the server read it from
 * {@code copy-status}.
 */
public final class CopyLagGauges {
    /** One measurement of one target. */
    private record Lag(long objects, long bytes, long snapshots, long seconds) {
    }

    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Lag>> targets = new ConcurrentHashMap<>();

    public CopyLagGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The copy at {@code target} lacks {@code objects} objects of {@code bytes} bytes, among them
     * {@code snapshots} snapshots, the oldest sealed {@code seconds} ago (0: none is missing).
     */
    public void measured(String target, long objects, long bytes, long snapshots, long seconds) {
        Lag lag = new Lag(objects, bytes, snapshots, seconds);
        targets.computeIfAbsent(target, t -> {
            AtomicReference<Lag> last = new AtomicReference<>(lag);
            gauge(t, last, "streamvault.copy.lag.objects", "Objects of the vault not on the copy, when last measured.",
                    Lag::objects);
            gauge(t, last, "streamvault.copy.lag.bytes", "Bytes of the vault not on the copy, when last measured.",
                    Lag::bytes);
            gauge(t, last, "streamvault.copy.lag.snapshots", "Snapshots not on the copy, when last measured.",
                    Lag::snapshots);
            gauge(t, last, "streamvault.copy.lag.seconds", "How long ago the oldest snapshot not on the copy was sealed"
                    + " (0: none is missing), when last measured.", Lag::seconds);
            return last;
        }).set(lag);
    }

    private void gauge(String target, AtomicReference<Lag> last, String name, String help, ToDoubleFunction<Lag> value) {
        Gauge.builder(name, last, l -> value.applyAsDouble(l.get())).description(help).tag("target", target)
                .register(registry);
    }
}
