package io.streamvault.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Agent processes ({@code bin/streamvault agent}) started by a test, each with its own state directory. */
final class Agents implements AutoCloseable {
    /** @param metrics the URL of its metrics ({@code agent --metrics}), or null */
    record Agent(Process process, String instance, Path log, String metrics) {
    }

    private final List<Agent> agents = new ArrayList<>();

    /** How long {@link #start} waits for an agent's "ready" line. */
    static final Duration READY_WAIT = Duration.ofSeconds(120);

    /** Starts an agent and waits for its "ready" line; returns its instance id. */
    Agent start(Path stateDir, Object... args) throws IOException, InterruptedException {
        return start(READY_WAIT, stateDir, args);
    }

    /** As {@link #start(Path, Object...)}, waiting at most {@code wait} for the "ready" line. */
    Agent start(Duration wait, Path stateDir, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Cli.REPO.resolve("bin/streamvault").toString());
        cmd.add("agent");
        cmd.add("--state-dir");
        cmd.add(stateDir.toString());
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        Files.createDirectories(stateDir);
        Path log = stateDir.resolve("agent.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String[] metrics = {null};
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("agent ") && line.contains(" metrics at ")) {
                        metrics[0] = line.substring(line.indexOf(" metrics at ") + " metrics at ".length());
                    }
                    if (line.startsWith("agent ") && line.contains(" ready")) {
                        return line.split(" ")[1];
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String instance;
        try {
            instance = ready.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            instance = null;
        }
        if (instance == null) {
            p.destroyForcibly();
            throw new AssertionError("agent did not become ready within " + wait.toSeconds() + " s:\n" + Files.readString(log));
        }
        Agent a = new Agent(p, instance, log, metrics[0]);
        agents.add(a);
        return a;
    }

    void kill(Agent a) throws InterruptedException {
        a.process().destroyForcibly(); // SIGKILL
        a.process().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Agent a : agents) {
            a.process().destroy(); // SIGTERM: a clean stop
        }
        for (Agent a : agents) {
            if (!a.process().waitFor(60, TimeUnit.SECONDS)) {
                a.process().destroyForcibly();
            }
        }
    }
}
