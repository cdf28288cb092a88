package io.streamvault.dedup.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the dedup tasks of this process counted (docs/metrics.md). */
public final class DedupMeters {
    final Counter fresh;
    final Counter known;

    public DedupMeters(MeterRegistry registry) {
        fresh = chunks(registry, "new");
        known = chunks(registry, "known");
    }

    private static Counter chunks(MeterRegistry registry, String result) {
        return Counter.builder("streamvault.dedup.chunks").description("Chunk records the dedup role looked up: new"
                + " (never seen: one upload requested) or known (stored or pending already: nothing uploaded).")
                .tag("result", result).register(registry);
    }
}
