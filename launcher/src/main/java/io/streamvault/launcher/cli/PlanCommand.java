package io.streamvault.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.launcher.internal.PlanLink;
import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanControl;
import io.streamvault.plans.PlanReports;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanStatus;
import io.streamvault.plans.PlanStore;
import io.streamvault.vault.Vault;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamvault plan ...}: backup plans, run by the agents' schedulers (docs/plans.md). */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Backup plans: a path, a schedule and a retention, run by the agents.",
        subcommands = {PlanCommand.Create.class, PlanCommand.Edit.class, PlanCommand.ListPlans.class, PlanCommand.Show.class,
            PlanCommand.Pause.class, PlanCommand.Resume.class, PlanCommand.Delete.class, PlanCommand.Run.class,
            PlanCommand.Runs.class})
public final class PlanCommand extends GroupCommand {

    /** Writes the plan and tells its scheduler; prints what was done. */
    static void saved(StreamVaultConfig config, Vault vault, Plan p, String what) {
        System.out.println("plan " + p.name() + " " + what);
        String why = PlanLink.notifyChanged(config, vault, p.name());
        if (why != null) {
            System.out.println("(the agents were not told now: " + why + "; they read the vault's plans every "
                    + config.getLong(StreamVaultConfig.SCHEDULER_REFRESH_MS) / 1000 + " s)");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a plan.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME", description = "The plan's name (a-z 0-9 . _ -).")
        String name;
        @Mixin
        PlanOptions options;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                PlanStore store = new PlanStore(vault);
                if (store.get(name).isPresent()) {
                    throw new FatalException(ErrorCode.PLAN_EXISTS, "plan " + name + " exists; change it with plan edit");
                }
                long now = PlanStore.nowNs();
                Plan p = store.save(options.edit().create(name, now), now);
                saved(config, vault, p, "created");
            }
            return 0;
        }
    }

    @Command(name = "edit", mixinStandardHelpOptions = true, description = "Change a plan; what is not given stays.")
    static final class Edit implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;
        @Mixin
        PlanOptions options;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                PlanStore store = new PlanStore(vault);
                Plan old = store.require(name);
                Plan p = store.save(options.edit().applyTo(old), PlanStore.nowNs());
                saved(config, vault, p, "changed");
            }
            return 0;
        }
    }

    /** pause, resume. */
    abstract static class Switch implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;

        abstract boolean pause();

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                PlanStore store = new PlanStore(vault);
                Plan old = store.require(name);
                long now = PlanStore.nowNs();
                Plan p = store.save(old.withPaused(pause(), now), now);
                saved(config, vault, p, pause() ? "paused" : "resumed (slots from now on; none caught up)");
            }
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a plan's scheduled runs.")
    static final class Pause extends Switch {
        @Override
        boolean pause() {
            return true;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused plan.")
    static final class Resume extends Switch {
        @Override
        boolean pause() {
            return false;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a plan (its snapshots stay; forget removes them).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                PlanStore store = new PlanStore(vault);
                Plan p = store.require(name);
                if (dryRun) {
                    System.out.println("would delete plan " + p.name() + " (its snapshots stay)");
                    return 0;
                }
                store.delete(name, PlanStore.nowNs());
                saved(config, vault, p, "deleted (its snapshots stay)");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the plans, their last run and next slot.")
    static final class ListPlans implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                Map<String, Plan> plans = new PlanStore(vault).load();
                List<ObjectNode> out = new ArrayList<>();
                PlanLink.with(config, vault, c -> {
                    for (Plan p : plans.values()) {
                        out.add(PlanReports.plan(p, PlanStatus.of(p, c.runs(p.name(), PlanStatus.RUNS), Instant.now())));
                    }
                    return null;
                });
                if (json) {
                    System.out.println(PlanReports.plans(out));
                    return 0;
                }
                System.out.printf("%-20s %-8s %-22s %-10s %-22s %s%n", "NAME", "STATE", "SCHEDULE", "LAST", "NEXT", "PATH");
                for (ObjectNode o : out) {
                    String state = o.get("paused").asBoolean() ? "paused" : o.get("overdue").asBoolean() ? "OVERDUE" : "active";
                    String last = o.get("last_run").isNull() ? "-" : o.get("last_run").get("state").asText();
                    System.out.printf("%-20s %-8s %-22s %-10s %-22s %s%n", o.get("name").asText(), state,
                            o.get("schedule").isNull() ? (o.get("continuous").asBoolean() ? "continuous" : "-")
                                    : o.get("schedule").asText() + (o.get("continuous").asBoolean() ? " +cont." : ""),
                            last, o.get("next").isNull() ? "-" : o.get("next").asText(),
                            o.get("kind").asText().equals("gc") ? "(gc)" : o.get("path").asText());
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one plan (JSON).")
    static final class Show implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                Plan p = new PlanStore(vault).require(name);
                List<PlanRun> runs = PlanLink.with(config, vault, c -> c.runs(p.name(), PlanStatus.RUNS));
                System.out.println(PlanReports.plan(p, PlanStatus.of(p, runs, Instant.now())).toPrettyString());
            }
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a plan now (by its scheduler, in an agent).")
    static final class Run implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                new PlanStore(vault).require(name);
                String req = PlanLink.with(config, vault, (PlanControl c) -> c.requestRun(name));
                System.out.println("plan " + name + ": run requested (" + req + "); see plan runs " + name);
            }
            return 0;
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "A plan's run history, newest first.")
    static final class Runs implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N runs (default 50).")
        int limit;
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            try (Vault vault = common.openVault(config, false)) {
                Plan.requireName(name);
                List<PlanRun> runs = PlanLink.with(config, vault, c -> c.runs(name, Math.max(1, limit)));
                if (json) {
                    System.out.println(PlanReports.runs(runs));
                    return 0;
                }
                System.out.printf("%-25s %-3s %-10s %-9s %-10s %-10s %10s %12s  %s%n", "SLOT", "TRY", "STATE", "TRIGGER",
                        "SNAPSHOT", "AGENT", "FILES", "ADDED", "ERROR/NOTE");
                for (PlanRun r : runs) {
                    System.out.printf("%-25s %-3d %-10s %-9s %-10s %-10s %10d %12d  %s%n", Instant.ofEpochMilli(r.slotMs()),
                            r.attempt(), r.state().label(), r.trigger(), r.snapshot() == null ? "-" : r.snapshot().substring(0, 8),
                            r.agent(), r.files(), r.bytesAdded(), r.error() != null ? r.error() : r.note() == null ? "" : r.note());
                }
            }
            return 0;
        }
    }
}
