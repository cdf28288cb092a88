package io.streamvault.copier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.metrics.CopyLagGauges;
import io.streamvault.common.metrics.Meters;

/**
 * The copies a process made (docs/metrics.md), by target: catch-up runs, what they wrote, and how far
 * each target was behind when last measured ({@link CopyLagGauges}, which the server also fills from
 * {@code copy-status}).
 */
public final class CopyMeters {
    /** Counts nothing: for copies in processes that serve no metrics. */
    public static final CopyMeters NONE = new CopyMeters(Meters.NONE);
    private final MeterRegistry registry;
    private final CopyLagGauges lags;

    public CopyMeters(MeterRegistry registry) {
        this.registry = registry;
        this.lags = new CopyLagGauges(registry);
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

    /** How far the copy at {@code target} was behind at {@code atMs}, the time its lag in seconds counts to. */
    void measured(String target, long atMs, Copier.Lag lag) {
        lags.measured(target, atMs, lag.objects(), lag.bytes(), lag.snapshots(), lag.seconds());
    }
}
