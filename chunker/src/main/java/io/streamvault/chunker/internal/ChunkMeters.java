package io.streamvault.chunker.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the chunkers of this process counted (docs/metrics.md). */
public final class ChunkMeters {
    final Counter files;
    final Counter bytes;

    public ChunkMeters(MeterRegistry registry) {
        files = Counter.builder("streamvault.chunker.files").description("Files the chunker read (a file in several"
                + " segments counts once, with its first; a file read again because it changed counts again).")
                .register(registry);
        bytes = Counter.builder("streamvault.chunker.read").baseUnit("bytes").description("Bytes the chunker read from"
                + " the source file system.").register(registry);
    }
}
