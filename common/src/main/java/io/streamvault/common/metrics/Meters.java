package io.streamvault.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The meters every role shares (docs/metrics.md lists every meter of the project). A role is given
 * the process's {@link MeterRegistry} and counts its own work in it; {@link #NONE} counts nothing,
 * for processes that serve no metrics.
 */
public final class Meters {
    /**
     * Counts nothing and keeps nothing (every meter denied): for processes that serve no metrics
     * (one-shot commands) and tests that do not look.
     */
    public static final MeterRegistry NONE = denyingAll();

    private Meters() {
    }

    private static MeterRegistry denyingAll() {
        MeterRegistry r = new CompositeMeterRegistry();
        r.config().meterFilter(MeterFilter.deny());
        return r;
    }

    /** {@code streamvault_errors_total{code}}: the errors this process reported, by stable error code. */
    public static Counter errors(MeterRegistry registry, String code) {
        return Counter.builder("streamvault.errors").description("Errors this process reported, by stable error code.")
                .tag("code", code).register(registry);
    }

    /**
     * Kafka's own metrics of a consumer, tagged with the role it works for (the launcher's registry keeps
     * only the few docs/metrics.md names); nothing with {@link #NONE}. Close it with the client.
     */
    public static AutoCloseable kafka(MeterRegistry registry, Consumer<?, ?> consumer, String role) {
        if (registry == NONE) {
            return () -> { };
        }
        return KafkaGauges.bind(registry, consumer, Consumer::metrics,
                List.of(Tag.of("role", role), Tag.of("client_id", KafkaGauges.clientId(consumer.metrics()))));
    }
}
