package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.GcSession;
import io.streamvault.launcher.internal.GcSummary;
import io.streamvault.launcher.internal.ProgressLine;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanEdit;
import io.streamvault.plans.PlanStore;
import io.streamvault.vault.Vault;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamvault gc}: deletes what no snapshot uses, while backups run (docs/gc.md). */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Delete the data no snapshot uses, repack mostly unused packs, consolidate the index. Safe while"
                + " backups run.")
public final class GcCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    GcOptions gc;

    @Option(names = "--dry-run", description = "Say what would be deleted and freed; change nothing.")
    boolean dryRun;

    @Option(names = "--schedule", paramLabel = "SPEC", description = "Do not collect now: have the agents collect on"
            + " this schedule (creates or changes the vault's maintenance plan \"gc\"; see plan).")
    String schedule;

    @Option(names = "--tz", paramLabel = "ZONE", description = "The time zone of --schedule (default UTC).")
    String zone;

    @Option(names = "--json", description = "Print the summary as one JSON object on the last line.")
    boolean json;

    @Option(names = "--no-agent", description = "Collect in this process even when an agent of the state directory"
            + " runs (by default the agent collects, with its open vault and warm clients).")
    boolean noAgent;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        if (schedule != null) {
            return schedule(config);
        }
        if (!noAgent) {
            // As a backup does: an agent of the state directory collects; at a terminal, one is started
            // when none runs (its start costs less than the one-shot collection's own, and stays for later).
            AgentLink.Request request = AgentLink.gcRequest(common.vaultUri(config),
                    config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS), common.hasSettings(), gc.maxUnused, gc.fenceAfter,
                    dryRun, json);
            Integer status = viaAgent(config, request);
            if (status == null && !dryRun && common.startAgent(config, false)) { // (a preview starts nothing)
                status = viaAgent(config, request);
            }
            if (status != null) {
                return status;
            }
        }
        try (Vault vault = common.openVault(config, false)) {
            GarbageCollector.Result r = run(config, vault, gc.options(dryRun));
            print(r, json, System.out);
        }
        return 0;
    }

    private static Integer viaAgent(StreamVaultConfig config, AgentLink.Request request) {
        return AgentLink.backup(config.stateDir(), request, System.out, new ProgressLine(System.err,
                System.console() != null));
    }

    /** {@code gc --schedule}: the maintenance plan named {@link #PLAN}, created or changed. */
    private int schedule(StreamVaultConfig config) {
        try (Vault vault = common.openVault(config, false)) {
            PlanStore store = new PlanStore(vault);
            PlanEdit edit = new PlanEdit(null, schedule, false, zone, null, null, null, null, null, null, null, null, null,
                    true);
            Optional<Plan> old = store.get(PLAN);
            if (old.isPresent() && !old.get().gc()) {
                throw new FatalException(ErrorCode.PLAN_EXISTS, "plan " + PLAN + " exists and is a backup plan; give the"
                        + " maintenance plan another name: plan create NAME --gc --schedule SPEC");
            }
            long now = PlanStore.nowNs();
            Plan p = store.save(old.isPresent() ? edit.applyTo(old.get()) : edit.create(PLAN, now), now);
            PlanCommand.saved(config, vault, p, "(garbage collection) runs " + p.schedule() + " " + p.zone()
                    + (old.isPresent() ? " from now on" : ""));
        }
        return 0;
    }

    /** The name of the maintenance plan that {@code gc --schedule} sets. */
    static final String PLAN = "gc";

    /** Runs a collection with the roles and coordinator it needs (none for a dry run: it changes nothing). */
    static GarbageCollector.Result run(StreamVaultConfig config, Vault vault, GarbageCollector.Options options) {
        ProgressLine line = new ProgressLine(System.err, System.console() != null);
        GarbageCollector.Progress progress = new GarbageCollector.Progress() {
            @Override
            public void update(String phase, long done, long total) {
                line.show(total > 0 ? phase + " " + done + "/" + total : done > 0 ? phase + " " + done : phase);
            }

            @Override
            public void note(String text) {
                line.clear();
                System.err.println("streamvault: " + text);
            }
        };
        try {
            if (options.dryRun()) {
                return new GarbageCollector(vault, GcCoordinator.alone(), options).run(progress);
            }
            try (GcSession session = GcSession.open(config, vault)) {
                return new GarbageCollector(vault, session.coordinator(), options).run(progress);
            }
        } finally {
            line.clear();
        }
    }

    static void print(GarbageCollector.Result r, boolean json, PrintStream out) {
        GcSummary.print(r, json, out);
    }
}
