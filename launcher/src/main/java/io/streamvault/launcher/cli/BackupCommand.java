package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.BackupJob;
import io.streamvault.launcher.internal.FailureWatch;
import io.streamvault.launcher.internal.InstanceSlot;
import io.streamvault.launcher.internal.JobClient;
import io.streamvault.launcher.internal.Parents;
import io.streamvault.launcher.internal.Pipeline;
import io.streamvault.launcher.internal.ProgressLine;
import io.streamvault.launcher.internal.Roles;
import io.streamvault.launcher.internal.ServiceHold;
import io.streamvault.launcher.internal.Summary;
import io.streamvault.launcher.internal.Timing;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code streamvault backup PATH}: one backup job through the pipeline, waiting for its snapshot.
 * Its options are {@link BackupArgs}'s: picocli has them for the help, and {@link BackupArgs}
 * parses the line (the quick start reads it the same way).
 */
@Command(name = "backup", description = "Back up a directory into a new snapshot.",
        modelTransformer = BackupCommand.Model.class, preprocessor = BackupCommand.Parse.class)
public final class BackupCommand implements Callable<Integer> {
    /** The command line (set by {@link Parse}). */
    BackupArgs args;

    /** Its vault, password, state directory and settings. */
    CommonOptions common;

    /** Gives picocli the options of {@link BackupArgs}, for the help and the usage errors; it does not parse them. */
    static final class Model implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (BackupArgs.Option o : BackupArgs.OPTIONS) {
                boolean flag = o.kind() == BackupArgs.Kind.FLAG;
                OptionSpec.Builder b = OptionSpec.builder(o.names().toArray(new String[0]))
                        .description(o.help())
                        .arity(flag ? "0" : "1")
                        .type(flag ? boolean.class : String.class);
                if (!flag) {
                    b.paramLabel(o.label());
                }
                if (o.repeatable()) {
                    b.type(List.class).auxiliaryTypes(String.class); // shown as [--tag=TAG]...
                }
                spec.addOption(b.hidden(o.hidden())
                        .usageHelp(o == BackupArgs.HELP)
                        .versionHelp(o == BackupArgs.VERSION)
                        .build());
            }
            spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel(BackupArgs.PATH_LABEL)
                    .description(BackupArgs.PATH_HELP).build());
            return spec;
        }
    }

    /** Parses the line with {@link BackupArgs}; a malformed one is a usage error (the message, the help, status 2). */
    static final class Parse implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> line, CommandSpec spec, ArgSpec arg, Map<String, Object> info) {
            List<String> rest = new ArrayList<>();
            while (!line.isEmpty()) {
                rest.add(line.pop());
            }
            BackupArgs parsed;
            try {
                parsed = BackupArgs.parse(rest);
            } catch (FatalException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            BackupCommand cmd = (BackupCommand) spec.userObject();
            cmd.args = parsed;
            cmd.common = CommonOptions.of(parsed);
            info.put("usageHelpRequested", parsed.help());
            info.put("versionHelpRequested", parsed.version());
            return true;
        }
    }

    /**
     * While waiting: a worker of this process that failed ends the command; a role whose last
     * member in the cluster disappeared (an agent died) is started here.
     */
    private static final class Supervision {
        private final Roles roles;
        private final FailureWatch watch;
        private long lastCheck = System.currentTimeMillis();

        Supervision(Roles roles, FailureWatch watch) {
            this.roles = roles;
            this.watch = watch;
        }

        RuntimeException check() {
            long now = System.currentTimeMillis();
            if (now - lastCheck > 5000) {
                lastCheck = now;
                roles.startMissing();
            }
            return watch.check();
        }
    }

    /** The result of a background step, with its own exception (not a wrapper) when it failed. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public Integer call() {
        long start = System.currentTimeMillis();
        StreamVaultConfig config = common.config();
        Path source = args.path().toAbsolutePath().normalize();
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new FatalException(ErrorCode.SOURCE_NOT_FOUND, Files.exists(source)
                    ? "cannot back up " + source + ": not a directory" : "cannot back up " + source + ": no such directory");
        }
        Timing.mark("command started");
        BackupJob job = job(source, start);
        byte[] rootBytes = job.root();
        if (!args.noAgent()) {
            Integer status = viaAgent(config, job);
            if (status == null && common.startAgent(config, true)) {
                status = viaAgent(config, job);
            }
            if (status != null) {
                return status;
            }
        }
        Vault.prepareInBackground();
        CompletableFuture<Vault> opening = CompletableFuture.supplyAsync(() -> common.openVault(config, true));
        Pipeline connected;
        try {
            connected = Pipeline.connect(config, () -> join(opening));
        } catch (RuntimeException e) {
            opening.thenAccept(Vault::close);
            throw e;
        }
        try (Pipeline pipeline = connected;
                Vault vault = join(opening);
                InstanceSlot slot = InstanceSlot.acquire(config.stateDir())) {
            Timing.mark("vault opened, cluster connected");
            vault.locks().checkRetention(Duration.ofSeconds(job.retainSeconds()));
            String instance = slot.instanceId(config.getString(StreamVaultConfig.INSTANCE_ID));
            FailureWatch watch = new FailureWatch(config.getLong(StreamVaultConfig.RETRY_TIMEOUT_MS));
            Roles roles = new Roles(pipeline, vault, slot, instance, watch);
            // These three wait on the cluster or the vault, not on each other: overlap them.
            CompletableFuture<Set<String>> localRoles = CompletableFuture.supplyAsync(roles::startMissing);
            CompletableFuture<JobClient> newClient = CompletableFuture.supplyAsync(() -> new JobClient(pipeline, instance));
            CompletableFuture<Optional<SnapshotRef>> parentChoice =
                    CompletableFuture.supplyAsync(() -> Parents.choose(vault, rootBytes, args.parent()));
            try (roles) {
                try {
                    join(localRoles);
                } catch (RuntimeException e) {
                    newClient.thenAccept(JobClient::close);
                    throw e;
                }
                try (JobClient client = join(newClient)) {
                    Timing.mark("roles checked, client ready");
                    return runJob(client, new Supervision(roles, watch), instance, job, join(parentChoice), vault);
                } finally {
                    Timing.mark("client closed");
                }
            } finally {
                Timing.mark("roles closed");
            }
        }
    }

    /** Submits the job, follows it to its end, prints the summary; returns the exit status. */
    private int runJob(JobClient client, Supervision supervision, String instance, BackupJob job,
            Optional<SnapshotRef> parentSnap, Vault vault) {
        ProgressLine progress = new ProgressLine(System.err, System.console() != null);
        JobStatus end;
        try {
            end = job.run(client, instance, parentSnap, id -> { }, progress::show, supervision::check);
        } finally {
            progress.clear();
        }
        ServiceHold.afterBackup(vault, end.getSnapshot(), w -> System.err.println("streamvault: " + w));
        Summary summary = new Summary(end, System.currentTimeMillis() - job.startMs());
        summary.write(System.out, args.json());
        return summary.exitStatus();
    }

    BackupJob job(Path source, long start) {
        return new BackupJob(RawPaths.bytes(source), args.tags(), args.excludes(), args.host(), null, args.parent(),
                args.forceRead(), start, args.retainSeconds(), args.changedDirs(source));
    }

    /** Hands the job to a running agent of the state directory; null when none takes it. */
    private Integer viaAgent(StreamVaultConfig config, BackupJob job) {
        return AgentLink.backup(config.stateDir(), agentRequest(config, job), System.out,
                new ProgressLine(System.err, System.console() != null));
    }

    /** What {@link #viaAgent} sends (for tests: {@link QuickBackup} must send the same). */
    AgentLink.Request agentRequest(StreamVaultConfig config, BackupJob job) {
        return AgentLink.backupRequest(common.vaultUri(config), config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS),
                common.hasSettings(), job, args.json());
    }
}
