package io.streamvault.catalog.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the catalog tasks of this process counted (docs/metrics.md): the backups they sealed or
 * failed, how long sealed ones took, and how many they are assembling now. A job belongs to one
 * task, so each backup is counted by the one process that ends it.
 */
public final class CatalogMeters {
    /** The histogram buckets of a backup's duration: from a no-change run to a first full backup of a large tree. */
    static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(12)};
    final Counter sealed;
    final Counter failed;
    final Timer duration;
    /** Jobs the tasks of this process hold running (each task adds and removes its own). */
    final AtomicInteger running = new AtomicInteger();

    public CatalogMeters(MeterRegistry registry) {
        sealed = backups(registry, "sealed");
        failed = backups(registry, "failed");
        duration = Timer.builder("streamvault.catalog.backup.duration").description("From a sealed backup's start to its"
                + " seal.").serviceLevelObjectives(DURATION_BUCKETS).register(registry);
        Gauge.builder("streamvault.catalog.backups.running", running, AtomicInteger::get).description("Backups the"
                + " catalog tasks of this process are assembling (started, neither sealed nor failed).").register(registry);
    }

    private static Counter backups(MeterRegistry registry, String result) {
        return Counter.builder("streamvault.catalog.backups").description("Backups the catalog ended: sealed into a"
                + " snapshot, or failed (a seal that failed, a job fenced by garbage collection).").tag("result", result)
                .register(registry);
    }
}
