package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.Sizes;
import io.streamvault.maintenance.Forget;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.Reports;
import io.streamvault.maintenance.RetentionPlan;
import io.streamvault.maintenance.RetentionPolicy;
import io.streamvault.maintenance.Stats;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.Vault;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamvault forget}: removes snapshots by a retention policy or by id, listing every
 * snapshot with keep or remove and the rules that keep it, and the bytes the removals free once
 * garbage collection runs ({@code --prune} runs it).
 */
@Command(name = "forget", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Remove snapshots by a retention policy or by id (then gc, or --prune, frees their data).")
public final class ForgetCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..*", description = "Snapshots to remove (ids or unique prefixes).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots (-1: all).")
    String keepLast;
    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N hours.")
    String keepHourly;
    @Option(names = "--keep-daily", paramLabel = "N", description = "... of the last N days.")
    String keepDaily;
    @Option(names = "--keep-weekly", paramLabel = "N", description = "... of the last N ISO weeks.")
    String keepWeekly;
    @Option(names = "--keep-monthly", paramLabel = "N", description = "... of the last N months.")
    String keepMonthly;
    @Option(names = "--keep-yearly", paramLabel = "N", description = "... of the last N years.")
    String keepYearly;
    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep every snapshot within DURATION"
            + " (e.g. 2y5m7d3h) of the group's newest.")
    String keepWithin;
    @Option(names = "--keep-within-hourly", paramLabel = "DURATION", description = "Keep hourly snapshots within DURATION.")
    String keepWithinHourly;
    @Option(names = "--keep-within-daily", paramLabel = "DURATION", description = "Keep daily snapshots within DURATION.")
    String keepWithinDaily;
    @Option(names = "--keep-within-weekly", paramLabel = "DURATION", description = "Keep weekly snapshots within DURATION.")
    String keepWithinWeekly;
    @Option(names = "--keep-within-monthly", paramLabel = "DURATION", description = "Keep monthly snapshots within DURATION.")
    String keepWithinMonthly;
    @Option(names = "--keep-within-yearly", paramLabel = "DURATION", description = "Keep yearly snapshots within DURATION.")
    String keepWithinYearly;
    @Option(names = "--keep-tag", paramLabel = "TAG", description = "Keep every snapshot with this tag (repeatable).")
    List<String> keepTags = new ArrayList<>();
    @Option(names = "--group-by", paramLabel = "KEYS", defaultValue = "host,path",
            description = "Apply the policy to each group of snapshots with equal host, path and/or tags"
                    + " (default ${DEFAULT-VALUE}; '' for one group).")
    String groupBy;
    @Option(names = "--tz", paramLabel = "ZONE", defaultValue = "UTC",
            description = "Time zone in which hours, days, weeks, months and years are cut (default ${DEFAULT-VALUE}).")
    String zone;

    @Option(names = "--allow-remove-all", description = "Allow removing every snapshot of a group.")
    boolean allowRemoveAll;
    @Option(names = "--bypass-governance", description = "Remove snapshots whose governance retention has not"
            + " passed (this vault key must hold the bypass right; recorded). Never compliance or held ones.")
    boolean bypassGovernance;
    @Option(names = "--dry-run", description = "List what would be removed; remove nothing.")
    boolean dryRun;
    @Option(names = "--prune", description = "Run garbage collection afterwards, so the data is freed now.")
    boolean prune;
    @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
    boolean json;

    @Mixin
    GcOptions gc;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        try (Vault vault = common.openVault(config, false)) {
            Stats stats = Stats.load(vault, 8, () -> { });
            Forget.Plan plan = ids.isEmpty()
                    ? Forget.byPolicy(vault, stats.snapshots(), policy(), bypassGovernance)
                    : Forget.byIds(vault, stats.snapshots(), ids, bypassGovernance);
            if (!plan.groupsRemovedWhole().isEmpty() && !allowRemoveAll) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "this would remove every snapshot of "
                        + String.join("; ", plan.groupsRemovedWhole()) + ": give --allow-remove-all if that is meant");
            }
            long freed = stats.freedBy(plan.removedIds());
            if (!dryRun) {
                Forget.remove(vault, plan.removedIds(), bypassGovernance);
            }
            GarbageCollector.Result pruned = !dryRun && prune && !plan.removedIds().isEmpty()
                    ? GcCommand.run(config, vault, gc.options(false)) : null;
            if (json) {
                System.out.println(Reports.forget(plan, dryRun, freed, pruned));
            } else {
                print(plan, freed);
                if (pruned != null) {
                    GcCommand.print(pruned, false, System.out);
                }
            }
        }
        return 0;
    }

    private RetentionPolicy policy() {
        RetentionPolicy.Builder b = RetentionPolicy.builder();
        if (keepLast != null) {
            b.keepLast(keepLast);
        }
        String[] counts = {keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly};
        String[] within = {keepWithinHourly, keepWithinDaily, keepWithinWeekly, keepWithinMonthly, keepWithinYearly};
        RetentionPolicy.Period[] periods = RetentionPolicy.Period.values();
        for (int i = 0; i < periods.length; i++) {
            if (counts[i] != null) {
                b.keep(periods[i], counts[i]);
            }
            if (within[i] != null) {
                b.keepWithin(periods[i], within[i]);
            }
        }
        if (keepWithin != null) {
            b.keepWithin(keepWithin);
        }
        keepTags.forEach(b::keepTag);
        return b.groupBy(groupBy).zone(zone).build();
    }

    private void print(Forget.Plan plan, long freed) {
        for (RetentionPlan.Group g : plan.groups()) {
            System.out.println(g.label() + ":");
            for (RetentionPlan.Decision d : g.decisions()) {
                Snapshot s = d.snapshot().snapshot();
                System.out.printf("  %-6s  %s  %s  %s%s%s%n", d.keep() ? "keep" : "remove", d.id().substring(0, 8),
                        TIME.format(Instant.ofEpochSecond(0, s.endTimeNs())), RawPaths.display(s.path()),
                        s.incomplete() ? " (incomplete)" : "", d.reasons().isEmpty() ? "" : "  [" + String.join(", ",
                                d.reasons()) + "]");
            }
        }
        int removed = plan.removedIds().size();
        System.out.printf("%s %d snapshot%s, kept %d; %s that no kept snapshot uses%s%n",
                dryRun ? "would remove" : "removed", removed, removed == 1 ? "" : "s", plan.kept(), Sizes.bytes(freed),
                prune ? "" : " (freed by streamvault gc)");
    }
}
