package io.streamvault.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/streamvault} commands run as child processes that a test may kill with SIGKILL at any
 * moment (the whole process tree: bin/streamvault execs the JVM, or runs it as a child while it
 * records its class-data archive). Each command's output goes to numbered files in one directory.
 */
final class Children {
    private final Path logs;
    private final Map<String, String> env;
    private int count;

    Children(Path logs, Map<String, String> env) throws IOException {
        this.logs = Files.createDirectories(logs);
        this.env = env;
    }

    /** A running command: its process and where its output goes. */
    record Child(Process process, Path out, Path err, long startNs) {
        long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        }
    }

    synchronized Child start(Object... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Starts a command with extra environment variables. */
    synchronized Child start(Map<String, String> extraEnv, Object... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Cli.REPO.resolve("bin/streamvault").toString());
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        int n = ++count;
        String name = n + "-" + args[0];
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.startsWith("STREAMVAULT_"));
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        pb.environment().put("STREAMVAULT_AGENT_IDLE", "0"); // the job runs in the command, as the campaign means
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Files.writeString(logs.resolve(name + ".cmd"), String.join(" ", cmd) + "\n");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new Child(pb.start(), out, err, System.nanoTime());
    }

    /** SIGKILL to the command and every process under it; true if it had already ended by itself. */
    static boolean kill(Child c) throws InterruptedException {
        boolean ended = !c.process().isAlive();
        c.process().descendants().forEach(ProcessHandle::destroyForcibly);
        c.process().destroyForcibly();
        c.process().waitFor(30, TimeUnit.SECONDS);
        return ended;
    }

    /** Waits for the command; null if it did not end within the timeout (it is then killed). */
    static Cli.Result await(Child c, long timeoutMs) throws IOException, InterruptedException {
        if (!c.process().waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            kill(c);
            return null;
        }
        return new Cli.Result(c.process().exitValue(), Files.readString(c.out()), Files.readString(c.err()));
    }

    /** Runs a command to its end; null if it did not end within the timeout. */
    Cli.Result run(long timeoutMs, Object... args) throws IOException, InterruptedException {
        return await(start(args), timeoutMs);
    }
}
