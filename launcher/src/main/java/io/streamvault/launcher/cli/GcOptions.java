package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.KeepDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
        GarbageCollector.Options o = GarbageCollector.Options.defaults().withMaxUnused(percent(maxUnused)).withDryRun(dryRun);
        if (fenceAfter != null) {
            o = o.withFenceAfter(duration(fenceAfter));
        }
        return o;
    }

    static double percent(String s) {
        String t = s.strip();
        boolean pct = t.endsWith("%");
        try {
            double v = Double.parseDouble(pct ? t.substring(0, t.length() - 1) : t);
            v = pct || v > 1 ? v / 100 : v;
            if (v < 0 || v > 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--max-unused: '" + s + "' is not a share from 0% to 100%");
        }
    }

    /** A duration such as 6h or 2d (restic's units: y, m, d, h), measured back from now in UTC. */
    static Duration duration(String s) {
        KeepDuration d = KeepDuration.parse("--fence-after", s);
        Instant now = Instant.now();
        return Duration.between(d.before(now, ZoneOffset.UTC), now);
    }
}
