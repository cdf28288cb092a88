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
import io.streamvault.launcher.internal.Summary;
import io.streamvault.launcher.internal.Timing;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamvault backup PATH}: one backup job through the pipeline, waiting for its snapshot. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Back up a directory into a new snapshot.")
public final class BackupCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "PATH", description = "Directory to back up.")
    Path path;

    @Option(names = "--json", description = "Print the summary as one JSON object on the last line.")
    boolean json;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the snapshot (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--host", paramLabel = "NAME", description = "Host name recorded in the snapshot.")
    String host;

    @Option(names = "--parent", paramLabel = "SNAPSHOT",
            description = "Compare with this snapshot (default: the latest snapshot of the same path).")
    String parent;

    @Option(names = "--force-read", description = "Read every file, even those unchanged since the parent snapshot.")
    boolean forceRead;

    @Option(names = "--no-agent", description = "Run the job from this process even when an agent of the state "
            + "directory is listening (by default the job is handed to it).")
    boolean noAgent;

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
        } catch (java.util.concurrent.CompletionException e) {
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
        Path source = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new FatalException(ErrorCode.SOURCE_NOT_FOUND, Files.exists(source)
                    ? "cannot back up " + source + ": not a directory" : "cannot back up " + source + ": no such directory");
        }
        Timing.mark("command started");
        BackupJob job = job(source, start);
        byte[] rootBytes = job.root();
        if (!noAgent) {
            Integer status = viaAgent(config, job);
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
            String instance = slot.instanceId(config.getString(StreamVaultConfig.INSTANCE_ID));
            FailureWatch watch = new FailureWatch(config.getLong(StreamVaultConfig.RETRY_TIMEOUT_MS));
            Roles roles = new Roles(pipeline, vault, slot, instance, watch);
            // These three wait on the cluster or the vault, not on each other: overlap them.
            CompletableFuture<Set<String>> localRoles = CompletableFuture.supplyAsync(roles::startMissing);
            CompletableFuture<JobClient> newClient = CompletableFuture.supplyAsync(() -> new JobClient(pipeline, instance));
            CompletableFuture<Optional<SnapshotRef>> parentChoice =
                    CompletableFuture.supplyAsync(() -> Parents.choose(vault, rootBytes, parent));
            try (roles) {
                try {
                    join(localRoles);
                } catch (RuntimeException e) {
                    newClient.thenAccept(JobClient::close);
                    throw e;
                }
                try (JobClient client = join(newClient)) {
                    Timing.mark("roles checked, client ready");
                    return runJob(client, new Supervision(roles, watch), instance, job, join(parentChoice));
                }
            }
        }
    }

    /** Submits the job, follows it to its end, prints the summary; returns the exit status. */
    private int runJob(JobClient client, Supervision supervision, String instance, BackupJob job,
            Optional<SnapshotRef> parentSnap) {
        ProgressLine progress = new ProgressLine(System.err, System.console() != null);
        JobStatus end;
        try {
            end = job.run(client, instance, parentSnap, id -> { }, progress::show, supervision::check);
        } finally {
            progress.clear();
        }
        Summary summary = new Summary(end, System.currentTimeMillis() - job.startMs());
        summary.write(System.out, json);
        return summary.exitStatus();
    }

    BackupJob job(Path source, long start) {
        return new BackupJob(RawPaths.bytes(source), tags, host, null, parent, forceRead, start);
    }

    /** Hands the job to a running agent of the state directory; null when none takes it. */
    private Integer viaAgent(StreamVaultConfig config, BackupJob job) {
        return AgentLink.backup(config.stateDir(), agentRequest(config, job), System.out,
                new ProgressLine(System.err, System.console() != null));
    }

    /** What {@link #viaAgent} sends (for tests: {@link QuickBackup} must send the same). */
    AgentLink.Request agentRequest(StreamVaultConfig config, BackupJob job) {
        return AgentLink.backupRequest(common.vaultUri(config), config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS),
                common.hasSettings(), job, json);
    }
}
