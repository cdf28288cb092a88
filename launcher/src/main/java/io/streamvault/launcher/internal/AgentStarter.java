package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Retentions;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The background agent that a backup command starts when none of its state directory runs, as build
 * tools keep a daemon: the embedded broker's start, the topologies' joining and the JIT's warm-up are
 * then paid once, and later commands hand their jobs to it ({@link AgentLink}). It is an ordinary
 * {@code streamvault agent} of the user who typed the command, with the command's vault, password
 * file, state directory and cluster, running the pipeline's roles only (plans need an agent the user
 * starts and keeps), detached from the terminal, logging to {@code STATE/agent.log}, and stopping
 * after {@link #IDLE_ENV} (default {@link #DEFAULT_IDLE}) without a command's job. {@code agent
 * --status} lists it, {@code agent --stop} stops it.
 *
 * <p>Only {@code bin/streamvault} starts one: it names itself in {@link #LAUNCHER_ENV}, so that the
 * agent runs with the agent's JVM options. A command run any other way (a test calling {@code
 * Main.run}, {@code java -jar}) runs its job itself, as before.
 */
public final class AgentStarter {
    /** Set by bin/streamvault to its own path; without it no agent is started. */
    public static final String LAUNCHER_ENV = "STREAMVAULT_LAUNCHER";
    /** Set by bin/streamvault when the command's standard error is a terminal. */
    public static final String INTERACTIVE_ENV = "STREAMVAULT_INTERACTIVE";
    /** The exit status of an agent started by a command that finds the embedded broker run by another process. */
    public static final int EXIT_BROKER_ELSEWHERE = 75;
    /** How long a started agent waits without a command's job before it stops; {@code 0} or {@code off}: start none. */
    public static final String IDLE_ENV = "STREAMVAULT_AGENT_IDLE";
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    /** How long a command waits for the agent it started to listen, before it runs the job itself. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** The roles of a started agent: every role of the pipeline, not the scheduler. */
    public static final String ROLES = String.join(",", Roles.ALL);
    /** Its log, in the state directory. */
    public static final String LOG = "agent.log";
    /** Held while an agent starts or stops (see {@link #holdStartLock}). */
    static final String START_LOCK = "agent-start.lock";
    /** Written when a start failed: commands do not try again for {@link #RETRY_AFTER_FAILURE}. */
    static final String FAILED = "agent-start.failed";
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(10);
    /**
     * bin/streamvault's class-data recording (Main): set, a backup whose job would run in its JVM
     * creates this file and ends, and the command runs again, recording.
     */
    public static final String RECORD_FILE_ENV = "STREAMVAULT_RECORD_FILE";
    /** The same recording's second run: where Main writes the exit status before the archive is written. */
    public static final String STATUS_FILE_ENV = "STREAMVAULT_STATUS_FILE";
    /** Variables of bin/streamvault's class-data recording, which must not reach the agent. */
    private static final List<String> SCRIPT_ONLY = List.of(RECORD_FILE_ENV, STATUS_FILE_ENV);
    /** The start lock, once an agent that stops has taken it ({@link #holdStartLock}). */
    private static final List<FileLock> HELD = new CopyOnWriteArrayList<>();

    private AgentStarter() {
    }

    /**
     * How long a started agent may idle; null when no agent is to be started: not bin/streamvault,
     * turned off, or a command that no one types at a terminal ({@code interactive} false: cron,
     * systemd, scripts), unless {@link #IDLE_ENV} asks for one.
     */
    public static Duration idle(Map<String, String> env, boolean interactive) {
        if (env.get(LAUNCHER_ENV) == null || env.get(LAUNCHER_ENV).isBlank()) {
            return null;
        }
        String v = env.get(IDLE_ENV);
        if (v == null || v.isBlank()) {
            return interactive ? DEFAULT_IDLE : null;
        }
        v = v.strip();
        if (v.equals("0") || v.equalsIgnoreCase("off")) {
            return null;
        }
        Duration d = Retentions.parse(v, IDLE_ENV);
        if (d.isZero()) {
            return null;
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, IDLE_ENV + " \"" + v + "\" is below 1s (0 or off: no agent)");
        }
        return d;
    }

    /**
     * Starts an agent of {@code stateDir} unless one listens already, and waits until it listens.
     * Commands that start at once take turns ({@code STATE/agent-start.lock}): the first starts it,
     * the others find it. Returns true when an agent listens, false when none could be started (said
     * on {@code err}, naming the log; the command then runs its job itself).
     *
     * @param args the command's own options that the agent needs: vault, password file, state directory, cluster
     */
    public static boolean ensure(Path stateDir, List<String> args, Duration idle, PrintStream err) {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot create state directory " + stateDir + ": " + e.getMessage(), e);
        }
        Path log = stateDir.resolve(LOG);
        Path failed = stateDir.resolve(FAILED);
        try (FileChannel ch = FileChannel.open(stateDir.resolve(START_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = lock(ch, err)) {
            if (lock == null) {
                err.println("streamvault: that took longer than " + READY_TIMEOUT.toMinutes() + " minutes; this command runs"
                        + " the backup itself");
                return false;
            }
            if (AgentLink.anyListening(stateDir)) {
                return true; // another command started it while this one waited
            }
            if (Files.exists(failed) && Files.getLastModifiedTime(failed).toMillis() > System.currentTimeMillis()
                    - RETRY_AFTER_FAILURE.toMillis()) {
                err.println("streamvault: no background agent is started: the last start failed less than "
                        + RETRY_AFTER_FAILURE.toMinutes() + " minutes ago (" + failed + " says why)");
                return false;
            }
            String where = stateDir.equals(Home.defaultStateDir()) ? "" : " --state-dir " + stateDir;
            err.println("streamvault: starting a background agent for this and later commands (it stops after "
                    + Retentions.format(idle) + " without a job; streamvault agent --status" + where + ", --stop; log " + log + ")");
            Process agent = spawn(args, idle, log, stateDir);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            String problem = null;
            while (System.nanoTime() < deadline && problem == null) {
                if (AgentLink.anyListening(stateDir)) {
                    Timing.mark("agent started");
                    Files.deleteIfExists(failed);
                    return true;
                }
                if (!agent.isAlive()) {
                    if (agent.exitValue() == EXIT_BROKER_ELSEWHERE) {
                        err.println("streamvault: no background agent now: another process runs the embedded broker"
                                + " (one starts once that process has ended); this command runs the backup itself");
                        return false;
                    }
                    problem = "stopped (exit " + agent.exitValue() + "): " + lastLine(log);
                }
                Thread.sleep(50);
            }
            if (problem == null) {
                agent.destroy();
                problem = "did not start within " + READY_TIMEOUT.toMinutes() + " minutes (see " + log + ")";
            }
            Files.writeString(failed, problem + "\n");
            err.println("streamvault: the background agent " + problem + "; this command runs the backup itself, and"
                    + " no agent is started for " + RETRY_AFTER_FAILURE.toMinutes() + " minutes");
            return false;
        } catch (IOException e) {
            err.println("streamvault: cannot start a background agent (" + e.getMessage() + "); this command runs the"
                    + " backup itself");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The start lock, waiting (and saying so) while another command starts an agent or one stops. */
    private static FileLock lock(FileChannel ch, PrintStream err) throws IOException, InterruptedException {
        FileLock l = ch.tryLock();
        if (l == null) {
            err.println("streamvault: waiting for the agent that another command is starting (or that is stopping)");
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (l == null && System.nanoTime() < deadline) {
                Thread.sleep(100);
                l = ch.tryLock();
            }
        }
        return l;
    }

    /** The last line of the agent's log (its error), or where the log is. */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip() + " (log " + log + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // the log says nothing readable
        }
        return "see " + log;
    }

    /**
     * Holds the start lock until this process ends: an agent that stops takes it, so that a command
     * that comes meanwhile waits until the agent (and the embedded broker it may run) is gone, and
     * then starts another, rather than joining a broker that is about to go.
     */
    public static void holdStartLock(Path stateDir) {
        try {
            FileChannel ch = FileChannel.open(stateDir.resolve(START_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            HELD.add(ch.lock());
        } catch (IOException | RuntimeException e) {
            // a command may then join this agent's broker just before it stops; it reports that and retries
        }
    }

    /** {@code setsid bin/streamvault agent ...}, detached: its own session, no terminal, output to the log. */
    private static Process spawn(List<String> args, Duration idle, Path log, Path stateDir) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            cmd.add("setsid"); // Ctrl-C in the terminal, or closing it, must not reach the agent
        }
        cmd.add(System.getenv(LAUNCHER_ENV));
        cmd.addAll(List.of("agent", "--roles", ROLES, "--idle-stop", idle.toSeconds() + "s", "--started-by-command"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.appendTo(log.toFile())).redirectErrorStream(true)
                .directory(stateDir.toFile()); // not the command's: it may be a mount to unmount later
        SCRIPT_ONLY.forEach(pb.environment()::remove);
        pb.environment().put("STREAMVAULT_NO_BUILD", "1"); // it runs the jars of the command that started it
        return pb.start();
    }
}
