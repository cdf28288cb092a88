package io.streamvault.uploader.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the uploaders of this process counted (docs/metrics.md). */
public final class UploadMeters {
    final Counter packs;
    final Counter added;
    final Counter handedOff;
    final Counter readAgain;

    public UploadMeters(MeterRegistry registry) {
        packs = Counter.builder("streamvault.uploader.packs").description("Packs the uploader wrote to the vault (with"
                + " their index objects).").register(registry);
        added = Counter.builder("streamvault.uploader.added").baseUnit("bytes").description("Bytes of the packs the"
                + " uploader wrote: what backups added to the vault, compressed and encrypted.").register(registry);
        handedOff = chunks(registry, "handoff");
        readAgain = chunks(registry, "file");
    }

    private static Counter chunks(MeterRegistry registry, String source) {
        return Counter.builder("streamvault.uploader.chunks").description("Chunks the uploader put into packs, by where"
                + " their bytes came from: the chunkers' hand-off in this process, or the source file read again.")
                .tag("source", source).register(registry);
    }
}
