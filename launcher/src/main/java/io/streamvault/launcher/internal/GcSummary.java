package io.streamvault.launcher.internal;

import io.streamvault.common.util.Sizes;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.Reports;
import java.io.PrintStream;
import java.util.Locale;

/** What {@code gc} prints at the end, whether the command or an agent ran the collection. */
public final class GcSummary {
    private GcSummary() {
    }

    public static void print(GarbageCollector.Result r, boolean json, PrintStream out) {
        if (json) {
            out.println(Reports.gc(r));
            return;
        }
        String would = r.dryRun() ? "would be " : "";
        out.printf(Locale.ROOT, "%s%d snapshots; %d unused chunks forgotten%s%n", r.dryRun() ? "dry run: " : "",
                r.snapshots(), r.blobsForgotten(), r.blobsSpared() > 0 ? " (" + r.blobsSpared()
                        + " spared: uploads in progress)" : "");
        out.printf(Locale.ROOT, "packs: %d %sdeleted, %d %srepacked (into %d new), %d kept, %d unindexed %sdeleted%n",
                r.packsDeleted(), would, r.packsRepacked(), would, r.packsWritten(), r.packsKept(), r.unindexedPacksDeleted(),
                would);
        out.printf(Locale.ROOT, "index: %d objects -> %d%n", r.indexObjectsBefore(), r.indexObjectsAfter());
        out.printf(Locale.ROOT, "%s %s of %s in %s%n", r.dryRun() ? "would free" : "freed", Sizes.bytes(r.bytesFreed()),
                Sizes.bytes(r.bytesBefore()), Sizes.duration(r.durationMs()));
    }
}
