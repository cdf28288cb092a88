package io.streamvault.launcher.cli;

import io.streamvault.common.util.Sizes;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.CapacityHistory;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plain-text and CSV forms of capacity for {@code streamvault stats} (the JSON forms are in {@code Reports}). */
final class HistoryTable {
    private HistoryTable() {
    }

    /** Each plan's share of the stored capacity, and the monthly estimate when a price is set. */
    static void shares(Capacity c, Capacity.Price price, PrintStream out) {
        boolean priced = price.perGbMonth() > 0;
        out.printf("%-24s  %10s  %10s  %10s%s%n", "Share", "Stored", "Unique", "Shared",
                priced ? String.format(Locale.ROOT, "  %14s", "Monthly " + price.currency()) : "");
        for (Capacity.Share s : c.shares()) {
            out.printf(Locale.ROOT, "%-24s  %10s  %10s  %10s%s%n", s.kind() == Capacity.Kind.PLAN ? "plan " + s.name()
                    : s.name(), Sizes.bytes(s.storedBytes()), Sizes.bytes(s.uniqueBytes()), Sizes.bytes(s.sharedBytes()),
                    priced ? String.format(Locale.ROOT, "  %14.2f", price.monthly(s.storedBytes())) : "");
        }
        if (priced) {
            out.printf(Locale.ROOT, "monthly estimate: %.2f %s (%s at %s %s per GB-month, GB = 2^30 bytes)%n",
                    price.monthly(c.storedBytes()), price.currency(), Sizes.bytes(c.storedBytes()),
                    price.perGbMonth(), price.currency());
        }
    }

    /** One line per record: time, trigger, stored and logical bytes, ratios, each share. */
    static void text(List<CapacityHistory.Entry> entries, Capacity.Price price, PrintStream out) {
        out.printf("%-24s  %-7s  %10s  %10s  %6s  %6s  %s%n", "Time", "Trigger", "Stored", "Logical", "Dedup", "Compr",
                "Shares");
        for (CapacityHistory.Entry e : entries) {
            Capacity c = e.capacity();
            List<String> shares = new ArrayList<>();
            for (Capacity.Share s : c.shares()) {
                shares.add(s.name() + " " + Sizes.bytes(s.storedBytes()));
            }
            out.printf(Locale.ROOT, "%-24s  %-7s  %10s  %10s  %6.2f  %6.2f  %s%s%n", e.time(), e.trigger().id(),
                    Sizes.bytes(c.storedBytes()), Sizes.bytes(c.logicalBytes()), c.dedupRatio(), c.compressionRatio(),
                    String.join(", ", shares), price.perGbMonth() > 0 ? String.format(Locale.ROOT, "; %.2f %s a month",
                            price.monthly(c.storedBytes()), price.currency()) : "");
        }
        if (entries.isEmpty()) {
            out.println("no capacity records (they are written at every backup, gc and forget)");
        }
    }

    /**
     * A header line, then one line per record. Share columns are named {@code plan:NAME} for plans and
     * by their bucket for the others; a share a record does not have is 0. Snapshot ids are separated
     * by spaces. No field holds a comma or a quote, so none is quoted.
     */
    static void csv(List<CapacityHistory.Entry> entries, Capacity.Price price, PrintStream out) {
        List<String> names = CapacityHistory.shareNames(entries);
        StringBuilder header = new StringBuilder("time,trigger,snapshots,run,snapshot_count,stored_bytes,logical_bytes,"
                + "unused_bytes,dedup_ratio,compression_ratio,monthly_cost");
        for (String n : names) {
            header.append(',').append(n.startsWith("(") ? n : Capacity.PLAN_TAG + n);
        }
        out.println(header);
        for (CapacityHistory.Entry e : entries) {
            Capacity c = e.capacity();
            Map<String, Long> byName = new HashMap<>();
            c.shares().forEach(s -> byName.put(s.name(), s.storedBytes()));
            StringBuilder line = new StringBuilder();
            line.append(e.time()).append(',').append(e.trigger().id()).append(',').append(String.join(" ", e.snapshots()))
                    .append(',').append(e.run() == null ? "" : e.run()).append(',').append(c.snapshots()).append(',')
                    .append(c.storedBytes()).append(',').append(c.logicalBytes()).append(',').append(c.unusedBytes())
                    .append(',').append(String.format(Locale.ROOT, "%.4f", c.dedupRatio())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", c.compressionRatio())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", price.monthly(c.storedBytes())));
            for (String n : names) {
                line.append(',').append(byName.getOrDefault(n, 0L));
            }
            out.println(line);
        }
    }
}
