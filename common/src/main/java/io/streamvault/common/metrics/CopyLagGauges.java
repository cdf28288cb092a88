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
    /** One measurement of one target, taken at {@code atMs}. */
    private record Lag(long atMs, long objects, long bytes, long snapshots, long seconds) {
        /** The oldest missing snapshot keeps getting older until a measurement finds it copied. */
        double secondsNow() {
            return seconds == 0 ? 0 : seconds + ageSeconds();
        }

        double ageSeconds() {
            return Math.max(0, System.currentTimeMillis() - atMs) / 1000.0;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Lag>> targets = new ConcurrentHashMap<>();

    public CopyLagGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The copy at {@code target} lacked, at {@code atMs}, {@code objects} objects of {@code bytes} bytes,
     * among them {@code snapshots} snapshots, the oldest sealed {@code seconds} before (0: none was
     * missing). The gauges age from then on: a copier that stopped measuring is seen, by the lag in
     * seconds growing and by the age of the measurement.
     */
    public void measured(String target, long atMs, long objects, long bytes, long snapshots, long seconds) {
        Lag lag = new Lag(atMs, objects, bytes, snapshots, seconds);
        targets.computeIfAbsent(target, t -> {
            AtomicReference<Lag> last = new AtomicReference<>(lag);
            gauge(t, last, "streamvault.copy.lag.objects", "Objects of the vault not on the copy, when last measured.",
                    Lag::objects);
            gauge(t, last, "streamvault.copy.lag.bytes", "Bytes of the vault not on the copy, when last measured.",
                    Lag::bytes);
            gauge(t, last, "streamvault.copy.lag.snapshots", "Snapshots not on the copy, when last measured.",
                    Lag::snapshots);
            gauge(t, last, "streamvault.copy.lag.seconds", "How long ago the oldest snapshot not on the copy when last"
                    + " measured was sealed, counted to now (0: none was missing).", Lag::secondsNow);
            gauge(t, last, "streamvault.copy.lag.measured.age.seconds", "How long ago the lag was last measured.",
                    Lag::ageSeconds);
            return last;
        }).set(lag);
    }

    private void gauge(String target, AtomicReference<Lag> last, String name, String help, ToDoubleFunction<Lag> value) {
        Gauge.builder(name, last, l -> value.applyAsDouble(l.get())).description(help).tag("target", target)
                .register(registry);
    }
}
