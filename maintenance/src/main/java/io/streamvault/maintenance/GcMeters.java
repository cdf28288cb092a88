package io.streamvault.maintenance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The garbage collections a process ran (docs/metrics.md), counted by whoever runs them: an agent (for
 * {@code gc} commands and maintenance plans) or the server ({@code POST /gc}).
 */
public final class GcMeters {
    private final MeterRegistry registry;
    private final Counter freed;
    private final Timer duration;

    public GcMeters(MeterRegistry registry) {
        this.registry = registry;
        for (String result : new String[] {"done", "failed"}) {
            for (boolean dryRun : new boolean[] {false, true}) {
                runs(result, dryRun);
            }
        }
        freed = Counter.builder("streamvault.gc.freed").baseUnit("bytes").description("Bytes that garbage collections"
                + " deleted from the vault (less what repacking wrote).").register(registry);
        duration = Timer.builder("streamvault.gc.duration").description("How long garbage collections that were not dry"
                + " runs took, done or failed.").register(registry);
    }

    private Counter runs(String result, boolean dryRun) {
        return Counter.builder("streamvault.gc.runs").description("Garbage collections this process ran, by outcome.")
                .tag("result", result).tag("dry_run", Boolean.toString(dryRun)).register(registry);
    }

    /** Runs {@code collection} and counts it: done or failed (then rethrown), its duration and what it freed. */
    public GarbageCollector.Result count(boolean dryRun, Supplier<GarbageCollector.Result> collection) {
        long start = System.nanoTime();
        GarbageCollector.Result r;
        try {
            r = collection.get();
        } catch (RuntimeException | Error e) {
            runs("failed", dryRun).increment();
            if (!dryRun) {
                duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        runs("done", dryRun).increment();
        if (!dryRun) {
            duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            freed.increment(Math.max(0, r.bytesFreed()));
        }
        return r;
    }
}
