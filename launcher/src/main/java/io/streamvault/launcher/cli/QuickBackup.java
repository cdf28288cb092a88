package io.streamvault.launcher.cli;

import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.BackupJob;
import io.streamvault.launcher.internal.Home;
import io.streamvault.launcher.internal.ProgressLine;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The backup command's quick start when an agent of its state directory is listening: the line is
 * read by {@link BackupArgs}, without picocli (whose classes, compiled for Java 5, cannot be
 * class-data shared: loading them and modelling the command took a tenth of a second of a
 * quarter-second command), and the job goes to the agent through {@link AgentLink}. A line that is
 * not for an agent (a usage error, help, settings of its own, {@code --no-agent}, a path that is
 * not a directory) or that no agent takes runs through picocli as usual, which reports what is
 * wrong or sends the same request (a test compares them).
 */
public final class QuickBackup {
    /** A line for an agent: where to find the agent, and what to send it. */
    public record Parsed(Path stateDir, AgentLink.Request request) {
    }

    private QuickBackup() {
    }

    /** Runs the backup through an agent; null when this line is not for one or no agent takes it. */
    public static Integer run(String[] args, PrintStream out, PrintStream err) {
        Parsed p;
        try {
            p = parse(args, System.currentTimeMillis());
        } catch (RuntimeException e) {
            return null; // a path that is not a file name, say: picocli's path reports it
        }
        if (p == null) {
            return null;
        }
        return AgentLink.backup(p.stateDir(), p.request(), out, new ProgressLine(err, System.console() != null));
    }

    /**
     * True when {@code args} is a backup job, which runs in this process unless an agent takes it:
     * a well-formed line (not help) naming a directory.
     */
    public static boolean isJob(String[] args) {
        try {
            return job(args) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Reads {@code backup PATH [options]}; null when it is not a line for an agent. */
    public static Parsed parse(String[] args, long start) {
        BackupArgs a = job(args);
        if (a == null || a.noAgent() || a.hasSettings()) {
            return null; // the job runs here: asked to, or with settings of its own, which an agent declines
        }
        Path source = a.path().toAbsolutePath().normalize();
        BackupJob job = new BackupJob(RawPaths.bytes(source), a.tags(), a.excludes(), a.host(), null, a.parent(),
                a.forceRead(), start, a.retainSeconds(), a.changedDirs(source));
        String uri = a.vault() == null || a.vault().isEmpty() ? Home.defaultVault().toString() : a.vault();
        Path state = a.stateDir() != null ? a.stateDir().toAbsolutePath() : Home.defaultStateDir();
        String bootstrap = a.bootstrapServers() != null ? a.bootstrapServers() : "";
        return new Parsed(state, AgentLink.backupRequest(uri, bootstrap, false, job, a.json()));
    }

    /** The line of a backup job; null for another command, a usage error, help, or a path that is not a directory. */
    private static BackupArgs job(String[] args) {
        if (args.length == 0 || !args[0].equals("backup")) {
            return null;
        }
        BackupArgs a;
        try {
            a = BackupArgs.parse(Arrays.asList(Arrays.copyOfRange(args, 1, args.length)));
        } catch (FatalException e) {
            return null; // picocli's path prints it with the usage
        }
        if (a.help() || a.version()) {
            return null;
        }
        try {
            a.retainSeconds();
            a.excludes();
        } catch (FatalException e) {
            return null; // the command reports a malformed --retain or --exclude
        }
        return Files.isDirectory(a.path().toAbsolutePath().normalize(), LinkOption.NOFOLLOW_LINKS) ? a : null;
    }
}
