package io.streamvault.launcher.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Retentions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code agent --status} and {@code agent --stop}: asks every agent of a state directory over its
 * socket ({@link AgentLink#control}) what it is, or to stop, and waits for a stopped one's process
 * to end.
 */
public final class AgentControl {
    /** How long {@code --stop} waits for an agent to end its running job, commit, leave its groups and exit. */
    static final Duration STOP_WAIT = Duration.ofHours(6);

    private AgentControl() {
    }

    /** An agent that answered: its socket, and what it says of itself. */
    public record Found(Path socket, JsonNode about) {
    }

    /** The agents of {@code stateDir} that answer. */
    public static List<Found> list(Path stateDir) {
        List<Found> out = new ArrayList<>();
        for (Path socket : AgentLink.sockets(stateDir)) {
            String text;
            try {
                text = AgentLink.control(socket, AgentServer.STATUS);
            } catch (FatalException e) {
                continue; // an agent of another version: not listed
            }
            if (text != null && !text.isBlank()) {
                try {
                    out.add(new Found(socket, new ObjectMapper().readTree(text)));
                } catch (IOException e) {
                    // an agent of another version: not listed
                }
            }
        }
        return out;
    }

    /** Runs {@code --status} ({@code stop} false) or {@code --stop}; returns the exit status. */
    public static int run(Path stateDir, boolean stop, boolean json, PrintStream out) {
        List<Found> agents = list(stateDir);
        if (agents.isEmpty() && !json) {
            out.println("no agent of " + stateDir + " is running");
        }
        if (!stop) {
            agents.forEach(a -> out.println(json ? a.about().toString() : describe(a.about())));
            return 0;
        }
        // An agent that runs the embedded broker refuses while others use it: the others go first.
        List<Found> refused = new ArrayList<>();
        for (int pass = 0; pass < 2 && !agents.isEmpty(); pass++) {
            refused.clear();
            for (Found a : agents) {
                try {
                    stop(a);
                    out.println(json ? a.about().toString() : "stopped " + describe(a.about()));
                } catch (FatalException e) {
                    if (e.code() != ErrorCode.STATE_LOCKED) {
                        throw e;
                    }
                    refused.add(a);
                    if (pass == 1) {
                        System.err.println("streamvault: not stopped: " + e.getMessage() + " [" + e.code().id() + "]");
                    }
                }
            }
            agents = new ArrayList<>(refused);
        }
        return refused.isEmpty() ? 0 : 1;
    }

    /** Asks the agent to stop and waits for its process to end (a running job first ends); its refusal is thrown. */
    private static void stop(Found found) {
        JsonNode agent = found.about();
        long pid = agent.get("pid").asLong();
        AgentLink.control(found.socket(), AgentServer.STOP);
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (agent.get("busy").asBoolean()) {
            System.err.println("streamvault: agent " + agent.get("instance").asText() + " stops when its running job ends");
        }
        if (p.isPresent()) {
            try {
                p.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new FatalException(ErrorCode.TIMEOUT, "agent " + agent.get("instance").asText() + " (pid " + pid
                        + ") did not stop within " + STOP_WAIT.toSeconds() + " s");
            }
        }
    }

    /** One line for people. */
    static String describe(JsonNode a) {
        List<String> roles = new ArrayList<>();
        a.get("roles").forEach(r -> roles.add(r.asText()));
        long idleStop = a.get("idle_stop_s").asLong();
        return "agent " + a.get("instance").asText() + " (pid " + a.get("pid").asLong() + "): roles "
                + String.join(",", roles) + "; vault " + a.get("vault").asText() + "; cluster " + a.get("cluster").asText()
                + "; started " + a.get("started").asText() + " by " + ("command".equals(a.get("started_by").asText())
                        ? "a backup command" : "the user")
                + "; " + (a.get("busy").asBoolean() ? "busy" : "idle " + Retentions.format(Duration.ofSeconds(a.get("idle_ms").asLong() / 1000)))
                + (idleStop > 0 ? ", stops after " + Retentions.format(Duration.ofSeconds(idleStop)) + " idle" : "") + "; " + a.get("jobs").asLong()
                + " jobs from commands"
                + (a.has("cluster_unreachable_since") ? "; its cluster has not answered since "
                        + a.get("cluster_unreachable_since").asText() + " (" + a.get("cluster_error").asText() + ")" : "");
    }
}
