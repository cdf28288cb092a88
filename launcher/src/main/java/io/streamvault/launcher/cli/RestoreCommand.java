package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.common.util.Sizes;
import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.restore.Restorer;
import io.streamvault.restore.Times;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamvault restore SNAPSHOT (--target DIR | --in-place)}: restores all of a snapshot, or
 * what the filters select, into a new place or where it was backed up from. Needs the vault and its
 * key only. Uses the same restore code as the HTTP API's restore jobs. A damaged index object is
 * skipped with a warning: what the rest of the vault holds is restored, and the command then fails
 * naming the damage.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a snapshot, or part of it, into a directory or in place.")
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id, unique id prefix, or 'latest'.")
    String snapshot;

    @Option(names = "--target", paramLabel = "DIR", description = "Directory to restore into (created if missing).")
    Path target;

    @Option(names = "--in-place", description = "Restore into the backed-up directory itself (when --target is not given).")
    boolean inPlace;

    @Option(names = "--include", paramLabel = "GLOB",
            description = "Restore only what matches (repeatable); a matching directory brings everything under it.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Do not restore what matches, nor anything under it (repeatable).")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--path", paramLabel = "PREFIX", description = "Restore only this subtree (relative to the backed-up directory).")
    String path;

    @Option(names = "--overwrite", paramLabel = "POLICY", defaultValue = "always",
            description = "Existing entries: never, if-newer, or always (default: ${DEFAULT-VALUE}).")
    String overwrite;

    @Option(names = "--mtime-from", paramLabel = "TIME", description = "Only files modified at or after TIME (RFC 3339 or YYYY-MM-DD).")
    String mtimeFrom;

    @Option(names = "--mtime-to", paramLabel = "TIME", description = "Only files modified before TIME.")
    String mtimeTo;

    @Option(names = "--workers", paramLabel = "N", description = "Files restored at once (default: 2 per processor, 4 to 16).")
    Integer workers;

    @Override
    public Integer call() {
        if (target == null && !inPlace) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                    "say where to restore: --target DIR, or --in-place to restore into the backed-up directory");
        }
        if (target != null && inPlace) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "give either --target or --in-place, not both");
        }
        RestoreOptions options = new RestoreOptions(includes, excludes,
                path == null ? new byte[0] : path.getBytes(StandardCharsets.UTF_8),
                mtimeFrom == null ? null : Times.parseNs(mtimeFrom, "--mtime-from"),
                mtimeTo == null ? null : Times.parseNs(mtimeTo, "--mtime-to"), Overwrite.parse(overwrite),
                workers == null ? RestoreOptions.defaultWorkers() : workers);
        StreamVaultConfig config = common.config();
        try (Vault vault = common.openVault(config, false)) {
            SnapshotRef ref = vault.loadSnapshot(vault.resolveSnapshot(snapshot));
            Path dest = target != null ? target.toAbsolutePath() : RawPaths.of(ref.snapshot().path());
            PrintStream err = System.err;
            List<StreamVaultException> damaged = new ArrayList<>();
            MasterIndex index = vault.loadIndex(e -> {
                damaged.add(e);
                err.println("warning: skipping a damaged index object: " + e.getMessage());
            });
            RestoreProgress progress = new RestoreProgress();
            boolean tty = System.console() != null;
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.named("sv-restore-progress"));
            if (tty) {
                ticker.scheduleAtFixedRate(() -> err.print("\r" + line(progress.status()) + "   "), 500, 500,
                        TimeUnit.MILLISECONDS);
            }
            Restorer.Result r;
            try {
                r = new Restorer(vault, index).restore(ref, dest, options, progress);
            } catch (StreamVaultException e) {
                if (damaged.isEmpty()) {
                    throw e;
                }
                throw new FatalException(e.code(), e.getMessage() + "; the vault is damaged: " + damage(damaged), e);
            } finally {
                ticker.shutdownNow();
            }
            if (tty) {
                err.print("\r" + " ".repeat(100) + "\r");
            }
            for (String e : r.errors()) {
                err.println("error: " + e);
            }
            if (r.errorsTotal() > r.errors().size()) {
                err.println("error: ... and " + (r.errorsTotal() - r.errors().size()) + " more");
            }
            System.out.printf("restored snapshot %s to %s: %d files, %d directories, %s%s in %s%n",
                    ref.id().substring(0, 8), RawPaths.display(dest), r.files(), r.dirs(), Sizes.bytes(r.bytes()),
                    r.skipped() > 0 ? ", " + r.skipped() + " existing entries left as they were" : "",
                    Sizes.duration(progress.status().elapsedMs()));
            if (!damaged.isEmpty()) {
                throw new FatalException(ErrorCode.CORRUPT_OBJECT, "the vault is damaged: " + damage(damaged)
                        + "; restored what the rest of the vault holds" + (r.ok() ? "" : ", with the errors above"));
            }
            return r.ok() ? 0 : 1;
        }
    }

    /** The damaged index objects a restore skipped, for its one error line. */
    private static String damage(List<StreamVaultException> damaged) {
        return damaged.get(0).getMessage() + (damaged.size() > 1 ? " (and " + (damaged.size() - 1)
                + " more index objects, named above)" : "") + " (streamvault check tells more)";
    }

    static String line(RestoreProgress.Status s) {
        long eta = s.etaMs();
        return String.format(Locale.ROOT, "%s restored %d/%d%s files, %s of %s, %s/s%s", Sizes.duration(s.elapsedMs()),
                s.filesDone(), s.filesTotal(), s.walkDone() ? "" : "+", Sizes.bytes(s.bytesDone()),
                Sizes.bytes(s.bytesTotal()), Sizes.bytes((long) s.rate()), eta >= 0 ? ", ETA " + Sizes.duration(eta) : "");
    }
}
