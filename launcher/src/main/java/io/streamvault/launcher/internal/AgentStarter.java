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
    /** How long a started agent waits without a command's job before it stops; {@code 0} or {@code off}: start none. */
    public static final String IDLE_ENV = "STREAMVAULT_AGENT_IDLE";
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    /** How long a command waits for the agent it started to listen, before it runs the job itself. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** The roles of a started agent: every role of the pipeline, not the scheduler. */
    public static final String ROLES = String.join(",", Roles.ALL);
    /** Its log, in the state directory. */
    public static final String LOG = "agent.log";
    /** Variables of bin/streamvault's class-data recording, which must not reach the agent. */
    private static final List<String> SCRIPT_ONLY = List.of("STREAMVAULT_RECORD_FILE", "STREAMVAULT_STATUS_FILE");

    private AgentStarter() {
    }

    /** How long a started agent may idle; null when no agent is to be started (not bin/streamvault, or turned off). */
    public static Duration idle(Map<String, String> env) {
        if (env.get(LAUNCHER_ENV) == null || env.get(LAUNCHER_ENV).isBlank()) {
            return null;
        }
        String v = env.get(IDLE_ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_IDLE;
        }
        v = v.strip();
        if (v.equals("0") || v.equalsIgnoreCase("off")) {
            return null;
        }
        Duration d = Retentions.parse(v, IDLE_ENV);
        return d.isZero() ? null : d;
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
        try (FileChannel ch = FileChannel.open(stateDir.resolve("agent-start.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            if (AgentLink.anyListening(stateDir)) {
                return true; // another command started it while this one waited
            }
            err.println("streamvault: starting a background agent for this and later commands (it stops after "
                    + human(idle) + " without a job; streamvault agent --status, --stop; log " + log + ")");
            Process agent = spawn(args, idle, log);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (AgentLink.anyListening(stateDir)) {
                    Timing.mark("agent started");
                    return true;
                }
                if (!agent.isAlive()) {
                    err.println("streamvault: the background agent stopped (exit " + agent.exitValue() + ", see " + log
                            + "); this command runs the backup itself");
                    return false;
                }
                Thread.sleep(50);
            }
            agent.destroy();
            err.println("streamvault: the background agent did not start within " + READY_TIMEOUT.toMinutes()
                    + " minutes (see " + log + "); this command runs the backup itself");
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

    /** A duration as {@code --idle-stop} reads it back, in its largest whole unit: {@code 30min}, {@code 2h}, {@code 90s}. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        return s > 0 && s % 3600 == 0 ? s / 3600 + "h" : s > 0 && s % 60 == 0 ? s / 60 + "min" : s + "s";
    }

    /** {@code setsid bin/streamvault agent ...}, detached: its own session, no terminal, output to the log. */
    private static Process spawn(List<String> args, Duration idle, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            cmd.add("setsid"); // Ctrl-C in the terminal, or closing it, must not reach the agent
        }
        cmd.add(System.getenv(LAUNCHER_ENV));
        cmd.addAll(List.of("agent", "--roles", ROLES, "--idle-stop", idle.toSeconds() + "s", "--started-by-command"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.appendTo(log.toFile())).redirectErrorStream(true);
        SCRIPT_ONLY.forEach(pb.environment()::remove);
        return pb.start();
    }
}
