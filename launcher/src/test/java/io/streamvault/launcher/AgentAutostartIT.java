package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.AgentStarter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first {@code bin/streamvault backup} of a state directory starts a background agent (the
 * pipeline's roles, no scheduler), later backups hand their jobs to it, {@code agent --status}
 * tells what it is, {@code agent --stop} stops it, and one left idle stops by itself, but not while
 * another process uses the embedded broker it runs. Every snapshot restores equal to its source.
 */
class AgentAutostartIT {
    @TempDir
    Path tmp;

    private final List<Long> pids = new ArrayList<>();

    @Test
    void theFirstBackupStartsAnAgentThatLaterOnesUseAndThatStopsWhenIdle() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.full(src, 23);
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), "autostart\n");
        Path state = tmp.resolve("state");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        Object[] where = {"--vault", vault, "--password-file", pw, "--state-dir", state};
        try {
            // (no class-data archive recording: its recording run never starts an agent)
            Map<String, String> hour = Map.of(AgentStarter.IDLE_ENV, "1h", "STREAMVAULT_NO_CDS", "1");
            Cli.Result first = backup(hour, src, where);
            assertTrue(first.err().contains("starting a background agent"), first.toString());
            JsonNode agent = onlyAgent(state);
            assertEquals("command", agent.get("started_by").asText());
            assertEquals(3600, agent.get("idle_stop_s").asLong());
            assertFalse(agent.get("roles").toString().contains("scheduler"), "plans need an agent the user keeps: " + agent);
            assertEquals(1, agent.get("jobs").asLong(), "the first job went to the agent it started: " + agent);
            String instance = agent.get("instance").asText();
            assertTrue(first.json().get("workers").has(instance), first.toString());

            Cli.Result second = backup(hour, src, where);
            assertFalse(second.err().contains("starting"), "the agent is reused: " + second);
            assertEquals(List.of(instance), names(second.json().get("workers")), "the running agent did the job");
            assertEquals(2, onlyAgent(state).get("jobs").asLong());
            assertEquals(agent.get("pid").asLong(), onlyAgent(state).get("pid").asLong());
            restoresEqual(second.json().get("snapshot").asText(), src, where);

            Cli.Result stop = Cli.process(List.of(), Map.of(), "agent", "--stop", "--state-dir", state);
            assertEquals(0, stop.code(), stop.toString());
            assertTrue(stop.out().startsWith("stopped agent " + instance), stop.toString());
            assertFalse(ProcessHandle.of(agent.get("pid").asLong()).map(ProcessHandle::isAlive).orElse(false),
                    "--stop returns once the agent's process has ended");
            assertFalse(AgentLink.anyListening(state));
            Cli.Result none = Cli.process(List.of(), Map.of(), "agent", "--status", "--state-dir", state);
            assertEquals("no agent of " + state + " is running", none.out().strip(), none.toString());

            // gc starts one too, and hands it the collection.
            List<Object> gcArgs = new ArrayList<>(List.of("gc", "--json"));
            gcArgs.addAll(List.of(where));
            Cli.Result gc = Cli.process(List.of(), hour, gcArgs.toArray());
            assertEquals(0, gc.code(), gc.toString());
            assertTrue(gc.err().contains("starting a background agent"), gc.toString());
            assertTrue(gc.json().has("run"), gc.toString());
            JsonNode collector = onlyAgent(state);
            assertEquals(1, collector.get("jobs").asLong(), "the collection went to the agent it started: " + collector);
            assertEquals(0, Cli.process(List.of(), Map.of(), "agent", "--stop", "--state-dir", state).code());
            assertFalse(AgentLink.anyListening(state));

            // Started again by the next backup, it stops by itself once idle for its time.
            Files.writeString(src.resolve("new-file"), "changed since the second backup\n");
            // (20 s: the status command and the user's agent below must be in within it, on a machine
            // that also runs another test)
            Cli.Result third = backup(Map.of(AgentStarter.IDLE_ENV, "20s", "STREAMVAULT_NO_CDS", "1"), src, where);
            assertTrue(third.err().contains("starting a background agent"), third.toString());
            long pid = onlyAgent(state).get("pid").asLong();
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            Path log = state.resolve(AgentStarter.LOG);
            try (Agents mine = new Agents()) {
                // An agent the user starts joins the broker the background agent runs: that one then
                // outlives its idle time, as long as the user's agent runs.
                mine.start(state, "--vault", vault, "--password-file", pw, "--roles", "scanner");
                long waitFor = System.currentTimeMillis() + 60_000;
                while (!Files.readString(log).contains("other processes use the broker this agent runs")
                        && System.currentTimeMillis() < waitFor) {
                    Thread.sleep(200);
                }
                assertTrue(Files.readString(log).contains("1 other processes use the broker this agent runs"),
                        Files.readString(log));
                assertTrue(p.map(ProcessHandle::isAlive).orElse(false), "idle, but its broker is in use");
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (p.map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertFalse(p.map(ProcessHandle::isAlive).orElse(false), "the idle agent stopped by itself");
            assertTrue(Files.readString(log).contains("no job for 20s: stopping"), Files.readString(log));
            restoresEqual(third.json().get("snapshot").asText(), src, where);
        } finally {
            Cli.process(List.of(), Map.of(), "agent", "--stop", "--state-dir", state);
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private Cli.Result backup(Map<String, String> env, Path src, Object[] where) throws Exception {
        List<Object> args = new ArrayList<>(List.of("backup", src, "--json"));
        args.addAll(List.of(where));
        Cli.Result r = Cli.process(List.of(), env, args.toArray());
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    /** The one agent of the state directory, as {@code agent --status --json} describes it. */
    private JsonNode onlyAgent(Path state) throws Exception {
        Cli.Result r = Cli.process(List.of(), Map.of(), "agent", "--status", "--json", "--state-dir", state);
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.toString());
        JsonNode a = new ObjectMapper().readTree(lines[0]);
        pids.add(a.get("pid").asLong());
        return a;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private void restoresEqual(String snapshot, Path src, Object[] where) throws Exception {
        Path out = Files.createTempDirectory(tmp, "restored");
        List<Object> args = new ArrayList<>(List.of("restore", snapshot, "--target", out.resolve("t")));
        args.addAll(List.of(where).subList(0, 4));
        Cli.Result r = Cli.run(args.toArray());
        assertEquals(0, r.code(), r.toString());
        TreeAssert.assertSameTree(src, out.resolve("t"));
    }
}
