package io.streamvault.launcher;

import io.streamvault.common.StreamVaultException;
import io.streamvault.launcher.cli.AgentCommand;
import io.streamvault.launcher.cli.BackupCommand;
import io.streamvault.launcher.cli.BrokerCommand;
import io.streamvault.launcher.cli.CheckCommand;
import io.streamvault.launcher.cli.CopyCommand;
import io.streamvault.launcher.cli.ForgetCommand;
import io.streamvault.launcher.cli.GcCommand;
import io.streamvault.launcher.cli.HoldCommand;
import io.streamvault.launcher.cli.InitCommand;
import io.streamvault.launcher.cli.KeyCommand;
import io.streamvault.launcher.cli.LockCommand;
import io.streamvault.launcher.cli.PlanCommand;
import io.streamvault.launcher.cli.QuickBackup;
import io.streamvault.launcher.cli.RebuildIndexCommand;
import io.streamvault.launcher.cli.RestoreCommand;
import io.streamvault.launcher.cli.RetainCommand;
import io.streamvault.launcher.cli.ServeCommand;
import io.streamvault.launcher.cli.SnapshotsCommand;
import io.streamvault.launcher.cli.StatsCommand;
import io.streamvault.launcher.internal.AgentStarter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code streamvault} command. Errors end in one line naming the problem, and a non-zero status. */
@Command(name = "streamvault", mixinStandardHelpOptions = true, version = "streamvault 0.1.0",
        description = "Deduplicating, encrypted backup for large file systems, over Apache Kafka.")
public final class Main {
    /** The subcommands, in help order. */
    private static final List<Class<?>> COMMANDS = List.of(InitCommand.class, BackupCommand.class, SnapshotsCommand.class,
            RestoreCommand.class, ForgetCommand.class, GcCommand.class, StatsCommand.class, CheckCommand.class,
            PlanCommand.class, CopyCommand.class, LockCommand.class, RetainCommand.class, HoldCommand.class, KeyCommand.class, BrokerCommand.class,
            AgentCommand.class, RebuildIndexCommand.class, ServeCommand.class);

    /** Commands whose first step is opening a vault (backup decides later: an agent may take its job). */
    private static final Set<String> OPEN_A_VAULT =
            Set.of("init", "snapshots", "restore", "check", "agent", "rebuild-index", "serve", "forget", "gc", "stats");

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("backup")) {
            Integer status;
            try {
                status = QuickBackup.run(args, System.out, System.err);
            } catch (StreamVaultException e) {
                status = failed(e, new PrintWriter(System.err, true));
            }
            if (status == null) {
                status = recordFirst(args);
            }
            if (status != null) {
                exit(status);
            }
        }
        if (args.length > 0 && OPEN_A_VAULT.contains(args[0])) {
            // Not for --version, --help or the broker: a JVM does not exit while a class is being initialized.
            io.streamvault.vault.Vault.prepareInBackground();
        }
        int status = run(args);
        io.streamvault.launcher.internal.Timing.mark("command done");
        exit(status);
    }

    /**
     * bin/streamvault records the class-data archive from the first backup after a build that runs
     * its job in its own JVM: one handed to an agent, help or a usage error loads too few classes to
     * be worth archiving, and only the parsed line and the agents tell which it is. With {@code
     * STREAMVAULT_RECORD_FILE} set, a backup job that no agent took creates that file and returns 0,
     * having run and printed nothing; the script then runs the command again, recording. Null: run
     * the command.
     */
    private static Integer recordFirst(String[] args) {
        String file = System.getenv(AgentStarter.RECORD_FILE_ENV);
        if (file == null || !QuickBackup.isJob(args)) {
            return null;
        }
        try {
            Files.write(Path.of(file), new byte[0]);
            return 0;
        } catch (IOException | RuntimeException e) {
            return null; // the command runs without recording
        }
    }

    /**
     * Exits with {@code status}, first writing it to {@code STREAMVAULT_STATUS_FILE} when that is
     * set: bin/streamvault then knows how the command ended even if the JVM fails afterwards, while
     * it writes the class-data archive at exit.
     */
    private static void exit(int status) {
        String file = System.getenv(AgentStarter.STATUS_FILE_ENV);
        if (file != null) {
            try {
                Files.writeString(Path.of(file), status + "\n");
            } catch (IOException | RuntimeException e) {
                // bin/streamvault then reports the JVM's own status
            }
        }
        System.exit(status);
    }

    /** Reports a failure in one line (with its stable code); returns the exit status, 1. */
    private static int failed(StreamVaultException e, PrintWriter err) {
        err.println("streamvault: " + e.getMessage() + " [" + e.code().id() + "]");
        if (System.getenv("STREAMVAULT_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** Runs a command line and returns its exit status (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // Only the command asked for is modelled (picocli reads every option of every command it is
        // given, a tenth of a second of a short command's start); all of them for help or a typo.
        Class<?> asked = null;
        for (Class<?> c : COMMANDS) {
            if (args.length > 0 && c.getAnnotation(Command.class).name().equals(args[0])) {
                asked = c;
            }
        }
        for (Class<?> c : asked != null ? List.<Class<?>>of(asked) : COMMANDS) {
            // A CommandLine of its own applies the command's model transformer (backup's options are BackupArgs's).
            cl.addSubcommand(new CommandLine(c));
        }
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof StreamVaultException s) {
                return failed(s, cmd.getErr());
            }
            cmd.getErr().println("streamvault: internal error: " + e);
            e.printStackTrace(cmd.getErr());
            return 2;
        });
        return cl.execute(args);
    }
}
