package io.streamvault.scanner.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the scanners of this process counted (docs/metrics.md). */
public final class ScanMeters {
    final Counter directories;
    final Counter files;

    public ScanMeters(MeterRegistry registry) {
        directories = Counter.builder("streamvault.scanner.directories").description("Directories the scanner listed (or,"
                + " in a narrowed walk, took from the parent snapshot).").register(registry);
        files = Counter.builder("streamvault.scanner.files").description("Regular files the scanner found in the"
                + " directories it listed.").register(registry);
    }
}
