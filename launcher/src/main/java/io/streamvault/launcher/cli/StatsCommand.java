package io.streamvault.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.util.Sizes;
import io.streamvault.launcher.internal.CopyLink;
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

/** {@code streamvault stats}: what each snapshot holds and what the vault stores (reads the vault only). */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show what each snapshot holds (logical, stored, unique bytes) and what the vault stores.")
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..*", description = "Only these snapshots (default: all).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        try (Vault vault = common.openVault(config, false)) {
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
                o.set("copies", Reports.copies(copies));
                System.out.println(o);
            } else {
                print(r, shown);
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
