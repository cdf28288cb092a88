package io.streamvault.launcher.cli;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.BackupJob;
import io.streamvault.launcher.internal.Home;
import io.streamvault.launcher.internal.ProgressLine;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The backup command's quick start when an agent of its state directory is listening: the usual
 * form of {@code backup} is read here, without picocli (whose classes, compiled for Java 5, cannot
 * be class-data shared: loading them and modelling the command took a tenth of a second of a
 * quarter-second command), and the job goes to the agent through {@link AgentLink}. Anything not
 * recognized here (another option, settings of its own, {@code --no-agent}, no agent listening, a
 * path that is not a directory) returns null and the command runs through picocli as usual, which
 * sends the same request (a test compares them).
 */
public final class QuickBackup {
    /** A recognized command line: where to find the agent, and what to send it. */
    public record Parsed(Path stateDir, AgentLink.Request request) {
    }

    private QuickBackup() {
    }

    /** Runs the backup through an agent; null when this form is not for it or no agent takes it. */
    public static Integer run(String[] args, PrintStream out, PrintStream err) {
        Parsed p;
        try {
            p = parse(args, System.currentTimeMillis());
        } catch (RuntimeException e) {
            return null; // a malformed path, say: picocli's path reports it
        }
        if (p == null) {
            return null;
        }
        return AgentLink.backup(p.stateDir(), p.request(), out, new ProgressLine(err, System.console() != null));
    }

    /** Reads {@code backup PATH [options]}; null for anything it does not know. */
    public static Parsed parse(String[] args, long start) {
        if (args.length < 2 || !args[0].equals("backup")) {
            return null;
        }
        String path = null;
        String vault = null;
        Path state = null;
        String bootstrap = "";
        String host = null;
        String parent = null;
        boolean json = false;
        boolean force = false;
        List<String> tags = new ArrayList<>();
        Set<String> once = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                if (path != null) {
                    return null;
                }
                path = a;
                continue;
            }
            if (a.equals("--json")) {
                json = true;
                continue;
            }
            if (a.equals("--force-read")) {
                force = true;
                continue;
            }
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            if (!name.equals("--tag") && !once.add(name)) {
                return null; // picocli refuses a repeated single-value option
            }
            switch (name) {
                case "--tag" -> tags.add(value);
                case "--host" -> host = value;
                case "--parent" -> parent = value;
                case "--vault" -> vault = value;
                case "--state-dir" -> state = Path.of(value).toAbsolutePath();
                case "--bootstrap-servers" -> bootstrap = value;
                case "--password-file" -> {
                    // the agent has the vault open: no password is read
                }
                default -> {
                    return null; // --no-agent, -o, --config, --help, or unknown: picocli's
                }
            }
        }
        if (path == null) {
            return null;
        }
        Path source = Path.of(path).toAbsolutePath().normalize();
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            return null; // picocli's path says what is wrong
        }
        BackupJob job = new BackupJob(RawPaths.bytes(source), tags, host, null, parent, force, start);
        String uri = vault == null || vault.isEmpty() ? Home.defaultVault().toString() : vault;
        return new Parsed(state != null ? state : Home.defaultStateDir(),
                AgentLink.backupRequest(uri, bootstrap, false, job, json));
    }
}
