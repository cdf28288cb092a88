package io.streamvault.launcher.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;

/**
 * The metrics of this process (docs/metrics.md): the one Prometheus registry every role, the server
 * and the JVM basics count in, and its text for {@code GET /metrics}. Kafka's own client metrics are
 * cut down to {@link #KAFKA_KEPT}, per client: a client has hundreds, many per partition.
 */
public final class Telemetry implements AutoCloseable {
    /** The Prometheus text format, version 0.0.4 (what every Prometheus scrapes). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The Kafka client metrics kept, by Micrometer name (each per client, never per topic or partition). */
    static final Set<String> KAFKA_KEPT = Set.of(
            "kafka.consumer.fetch.manager.records.lag.max",
            "kafka.consumer.fetch.manager.records.consumed.total",
            "kafka.consumer.coordinator.rebalance.total");
    /**
     * Micrometer's meters left out: names Prometheus's own lint rejects (an abbreviated unit, a
     * {@code _count} that is no histogram's), with nothing lost: {@code process_cpu_usage} is served.
     */
    static final Set<String> LEFT_OUT = Set.of("process.cpu.time", "system.cpu.count");
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Telemetry() {
        registry.config().meterFilter(MeterFilter.deny(Telemetry::droppedKafkaMetric))
                .meterFilter(MeterFilter.deny(id -> LEFT_OUT.contains(id.getName())));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** True for a Kafka client metric this process does not serve. */
    static boolean droppedKafkaMetric(Meter.Id id) {
        return id.getName().startsWith("kafka.") && (!KAFKA_KEPT.contains(id.getName()) || id.getTag("topic") != null
                || id.getTag("partition") != null);
    }

    /** Where the process counts. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter, in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
