package io.streamvault.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.util.Sizes;
import io.streamvault.launcher.internal.CopyLink;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.CapacityHistory;
import io.streamvault.maintenance.CopyLag;
import io.streamvault.maintenance.Reports;
import io.streamvault.maintenance.Stats;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamvault stats}: what each snapshot holds, what the vault stores and each plan's share of
 * it; with {@code --history}, the capacity records of the vault (reads the vault only).
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show what each snapshot holds (logical, stored, unique bytes), what the vault stores and each "
                + "plan's share of it; --history: the vault's capacity over time.")
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..*", description = "Only these snapshots (default: all).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object (with --history: one JSON array).")
    boolean json;

    @Option(names = "--history", description = "Print the capacity recorded at every backup, gc and forget "
            + "(docs/capacity.md) instead of measuring now.")
    boolean history;

    @Option(names = "--csv", description = "With --history: print CSV, one line per record.")
    boolean csv;

    @Option(names = "--since", paramLabel = "T", description = "With --history: records from T on (RFC 3339 time, "
            + "YYYY-MM-DD, or a duration back from now such as 30d).")
    String since;

    @Override
    public Integer call() {
        if (!history && (csv || since != null)) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, (csv ? "--csv" : "--since") + " needs --history");
        }
        if (history && !ids.isEmpty()) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--history takes no snapshot: the records are the vault's");
        }
        if (json && csv) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--json and --csv exclude each other");
        }
        Instant from = since == null ? null : CapacityHistory.since("--since", since, Instant.now());
        StreamVaultConfig config = common.config();
        Capacity.Price price = Capacity.Price.of(config);
        try (Vault vault = common.openVault(config, false)) {
            if (history) {
                List<CapacityHistory.Entry> entries = CapacityHistory.read(vault, from,
                        e -> System.err.println("streamvault: skipping " + e.getMessage()));
                if (json) {
                    System.out.println(Reports.history(entries, price));
                } else if (csv) {
                    HistoryTable.csv(entries, price, System.out);
                } else {
                    HistoryTable.text(entries, price, System.out);
                }
                return 0;
            }
            Set<String> only = new HashSet<>();
            for (String id : ids) {
                only.add(vault.resolveSnapshot(id));
            }
            Stats.Result r = Stats.load(vault, 8, () -> { }).compute();
            List<Stats.SnapshotStats> shown = r.snapshots().stream()
                    .filter(s -> only.isEmpty() || only.contains(s.id())).toList();
            List<CopyLag> copies = CopyLink.lags(config, vault);
            if (json) {
                ObjectNode o = Reports.stats(r, shown);
                o.set("capacity", Reports.capacity(r.capacity(), price));
                o.set("copies", Reports.copies(copies));
                System.out.println(o);
            } else {
                print(r, shown);
                HistoryTable.shares(r.capacity(), price, System.out);
                for (CopyLag c : copies) {
                    System.out.printf(Locale.ROOT, "copy %s: %d snapshots and %s behind%s (measured %s)%n", c.target(),
                            c.snapshots(), Sizes.bytes(c.bytes()), c.snapshots() == 0 ? "" : ", the oldest sealed "
                                    + c.seconds() + " s ago", Instant.ofEpochMilli(c.atMs()));
                }
            }
        }
        return 0;
    }

    private static void print(Stats.Result r, List<Stats.SnapshotStats> shown) {
        System.out.printf("%-8s  %10s  %10s  %10s  %10s  %10s%n", "ID", "Files", "Logical", "Stored", "Unique", "Added");
        for (Stats.SnapshotStats s : shown) {
            System.out.printf("%-8s  %10d  %10s  %10s  %10s  %10s%n", s.id().substring(0, 8), s.files(),
                    Sizes.bytes(s.logicalBytes()), Sizes.bytes(s.storedBytes()), Sizes.bytes(s.uniqueBytes()),
                    Sizes.bytes(s.addedBytes()));
        }
        Stats.VaultStats v = r.vault();
        System.out.printf(Locale.ROOT, "vault: %d snapshots, %s stored (packs %s, index %s, other %s), %s logical%n",
                v.snapshots(), Sizes.bytes(v.storedBytes()), Sizes.bytes(v.byKind().get(ObjectKind.PACK)),
                Sizes.bytes(v.byKind().get(ObjectKind.INDEX)), Sizes.bytes(v.storedBytes()
                        - v.byKind().get(ObjectKind.PACK) - v.byKind().get(ObjectKind.INDEX)), Sizes.bytes(v.logicalBytes()));
        System.out.printf(Locale.ROOT, "dedup ratio %.2f, compression ratio %.2f; %s unused (reclaimable by gc)%n",
                v.dedupRatio(), v.compressionRatio(), Sizes.bytes(v.unusedBytes()));
    }
}
