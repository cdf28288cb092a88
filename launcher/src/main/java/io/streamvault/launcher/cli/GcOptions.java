package io.streamvault.launcher.cli;

import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcSettings;
import picocli.CommandLine.Option;

/** The options of a garbage collection, shared by {@code gc} and {@code forget --prune}. */
public final class GcOptions {
    @Option(names = "--max-unused", paramLabel = "PERCENT", defaultValue = "5%",
            description = "Repack the most unused packs until at most this share of the packs' bytes is unused"
                    + " (default ${DEFAULT-VALUE}).")
    String maxUnused;

    @Option(names = "--fence-after", paramLabel = "DURATION",
            description = "Fence (fail) a backup that started before the collection and still runs this long after"
                    + " its start, e.g. 6h or 2d (default: wait for it).")
    String fenceAfter;

    GarbageCollector.Options options(boolean dryRun) {
        GarbageCollector.Options o = GarbageCollector.Options.defaults()
                .withMaxUnused(GcSettings.maxUnused("--max-unused", maxUnused)).withDryRun(dryRun);
        if (fenceAfter != null) {
            o = o.withFenceAfter(GcSettings.fenceAfter("--fence-after", fenceAfter));
        }
        return o;
    }
}
