package io.streamvault.common.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The few Kafka client metrics a process serves (docs/metrics.md), read from the client's own
 * metrics at each scrape, at client level only (never per topic or partition). Not Micrometer's
 * Kafka binders: when one of those first meets a per-partition metric it removes every meter of the
 * same name with fewer tags, in the whole registry, so the client-level lag the alerts read vanished
 * a minute after the consumers started.
 */
public final class KafkaGauges {
    static final String LAG = "kafka.consumer.fetch.manager.records.lag.max";
    static final String CONSUMED = "kafka.consumer.fetch.manager.records.consumed.total";
    static final String REBALANCES = "kafka.consumer.coordinator.rebalance.total";
    private static final String FETCH = "consumer-fetch-manager-metrics";
    private static final String COORDINATOR = "consumer-coordinator-metrics";

    private KafkaGauges() {
    }

    /** What {@link #bind} registered: closing removes it. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers the meters of {@code client} (a consumer, or a Streams application with all its
     * consumers) under {@code tags}; the registry holds the client weakly. Close what this answers
     * with the client.
     *
     * @param metrics the client's metrics ({@code Consumer::metrics}, {@code KafkaStreams::metrics})
     */
    public static <C> Binding bind(MeterRegistry registry, C client,
            Function<C, Map<MetricName, ? extends Metric>> metrics, List<Tag> tags) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder(LAG, client, c -> values(metrics.apply(c), FETCH, "records-lag-max").max().orElse(0))
                .tags(tags).description("The most records a consumer was behind on any of its partitions, in Kafka's"
                        + " last window.").register(registry));
        meters.add(FunctionCounter.builder(CONSUMED, client, c -> values(metrics.apply(c), FETCH, "records-consumed-total")
                .sum()).tags(tags).description("Records the consumer read.").register(registry));
        meters.add(FunctionCounter.builder(REBALANCES, client, c -> values(metrics.apply(c), COORDINATOR, "rebalance-total")
                .sum()).tags(tags).description("Rebalances the consumer went through.").register(registry));
        return () -> meters.forEach(registry::remove);
    }

    /** The client id of a client's metrics, for a tag: the first one found, or "" before any. */
    public static String clientId(Map<MetricName, ? extends Metric> metrics) {
        return metrics.keySet().stream().map(n -> n.tags().get("client-id")).filter(id -> id != null).findFirst()
                .orElse("");
    }

    /** A Streams consumer that restores state or reads global tables: not the work the role does. */
    private static boolean restoring(String clientId) {
        return clientId.endsWith("-restore-consumer") || clientId.endsWith("-global-consumer");
    }

    /** The client-level values of one metric, over every client the metrics cover (Streams has several). */
    static DoubleStream values(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().group().equals(group) && e.getKey().name().equals(name)
                        && !e.getKey().tags().containsKey("topic") && !e.getKey().tags().containsKey("partition")
                        && !restoring(e.getKey().tags().getOrDefault("client-id", "")))
                .map(e -> e.getValue().metricValue())
                .filter(v -> v instanceof Number)
                .mapToDouble(v -> ((Number) v).doubleValue())
                .filter(Double::isFinite);
    }
}
