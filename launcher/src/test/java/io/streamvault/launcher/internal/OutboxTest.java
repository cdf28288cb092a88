package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A command that stops reading holds up nothing but its own connection, and still gets every line that matters. */
class OutboxTest {
    @Test
    void aCommandThatStopsReadingBlocksNoSenderAndGetsEveryLineInOrderWithTheLatestProgress() throws Exception {
        Pipe pipe = Pipe.open();
        int updates = 50_000; // about 5 MB of progress: far more than the pipe holds
        Outbox box = new Outbox(Channels.newOutputStream(pipe.sink()));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            box.send("job j1");
            for (int i = 0; i < updates; i++) {
                box.progress("progress " + i + " " + "x".repeat(90));
            }
            box.send("out summary");
            box.send("exit 0");
        }, "nothing read yet: the job's thread never waits on the command");

        CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(pipe.source()),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return lines;
        });
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> box.close(), "everything queued is written once the"
                + " command reads");
        pipe.sink().close();
        List<String> lines = read.get(30, TimeUnit.SECONDS);
        assertEquals("job j1", lines.get(0));
        assertEquals(List.of("out summary", "exit 0"), lines.subList(lines.size() - 2, lines.size()));
        List<String> progress = lines.subList(1, lines.size() - 2);
        assertTrue(progress.size() < updates, "progress not written in time is replaced: " + progress.size());
        int last = -1;
        for (String p : progress) {
            int n = Integer.parseInt(p.split(" ")[1]);
            assertTrue(n > last, "in order: " + n + " after " + last);
            last = n;
        }
        assertEquals(updates - 1, last, "the latest progress comes before the summary");
    }

    @Test
    void onceTheAgentStopsACommandThatDoesNotReadIsClosedAfterTheGrace() throws Exception {
        Pipe pipe = Pipe.open();
        Outbox box = new Outbox(Channels.newOutputStream(pipe.sink()), Duration.ofMillis(500));
        for (int i = 0; i < 2_000; i++) {
            box.send("note " + i + " " + "x".repeat(90)); // lines that must be written: more than the pipe holds
        }
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> box.close(stopping::get));
        Thread.sleep(1_000);
        assertFalse(closed.isDone(), "while the agent runs, a command that does not read yet is waited for");
        stopping.set(true);
        closed.get(30, TimeUnit.SECONDS); // the grace, then the connection is given up
        assertFalse(pipe.sink().isOpen(), "the connection was closed under the waiting write");
    }
}
