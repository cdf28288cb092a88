package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backup command hands a local agent is the job the agent runs, option for option. */
class AgentServerTest {
    private static BackupJob handedOver(BackupJob job) throws Exception {
        String sent = AgentLink.backupRequest("/v", "", false, job, true).encoded();
        return AgentServer.job(AgentServer.read(new BufferedReader(new StringReader(sent))));
    }

    @Test
    void theRequestCarriesEveryOptionOfTheJob() throws Exception {
        byte[] root = {'/', 's', 'r', 'c', (byte) 0xff};
        byte[] rawDir = {'a', '/', (byte) 0xfe};
        BackupJob job = new BackupJob(root, List.of("t1", "t 2"), List.of("*.tmp", "/top/skip", "caché/**"), "h1",
                null, "abc123", true, 1234L, 86400L, List.of(rawDir, new byte[0], "a".getBytes(StandardCharsets.UTF_8)));
        BackupJob got = handedOver(job);
        assertArrayEquals(root, got.root());
        assertEquals(job.tags(), got.tags());
        assertEquals(job.excludes(), got.excludes());
        assertEquals("h1", got.host());
        assertEquals(Hosts.user(), got.user(), "the command's user");
        assertEquals("abc123", got.parent());
        assertTrue(got.forceRead());
        assertEquals(1234L, got.startMs());
        assertEquals(86400L, got.retainSeconds());
        assertEquals(3, got.changedDirs().size());
        assertArrayEquals(new byte[0], got.changedDirs().get(0), "the root, as the job sorted them");
        assertArrayEquals(new byte[] {'a'}, got.changedDirs().get(1));
        assertArrayEquals(rawDir, got.changedDirs().get(2));
        assertEquals(List.of(), handedOver(new BackupJob(root, List.of(), List.of(), null, null, null, false, 1L, 0L,
                List.of())).changedDirs(), "nothing changed is not a full walk");

        BackupJob plain = handedOver(new BackupJob(root, List.of(), List.of(), null, null, null, false, 1L, 0L));
        assertEquals(List.of(), plain.excludes());
        assertEquals(List.of(), plain.tags());
        assertNull(plain.changedDirs(), "a full walk");
    }

    @Test
    void aMalformedExcludeIsRefusedBeforeAnyJobStarts() {
        FatalException e = assertThrows(FatalException.class,
                () -> new BackupJob(new byte[] {'/'}, List.of(), List.of("a[b"), null, null, null, false, 1L, 0L));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertEquals("--exclude: glob \"a[b\" has an unclosed '['", e.getMessage());
        // An agent meets it in the request as the command would have (the command refuses it first).
        Map<String, List<byte[]>> req = Map.of("root", List.of(new byte[] {'/'}),
                "start", List.of("1".getBytes(StandardCharsets.UTF_8)),
                "exclude", List.of("a[b".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(FatalException.class, () -> AgentServer.job(req)).code());
    }

    @Test
    void aCommandThatSendsNothingIsCutOffAndDoesNotHoldTheAgentsStop(@TempDir Path slot) throws Exception {
        AgentServer server = new AgentServer(slot, "/v", "", null, null, "i1", () -> null, null,
                new SimpleMeterRegistry(), new AgentServer.Control(Map.of("instance", "i1"), () -> { }, () -> null, Map::of),
                Duration.ofSeconds(2));
        try (server; SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(slot.resolve(AgentLink.SOCKET)))) {
            long connected = System.nanoTime();
            // Another command meanwhile is answered as always.
            assertTrue(AgentLink.control(slot.resolve(AgentLink.SOCKET), AgentServer.STATUS).contains("\"i1\""));
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                assertEquals(-1, silent.read(ByteBuffer.allocate(64)), "the agent closed the silent connection");
                assertTrue(System.nanoTime() - connected >= Duration.ofMillis(1900).toNanos(),
                        "closed by the cut-off, not by an error before it");
                server.drain(null); // waits for every connection still served: returns only once none is
            });
        }
    }

    @Test
    void aCollectionCutOffAfterTheAgentTookItIsNotRunAgainByTheCommand(@TempDir Path state) throws Exception {
        Path slot = Files.createDirectories(state.resolve("instances").resolve("0"));
        try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            agent.bind(UnixDomainSocketAddress.of(slot.resolve(AgentLink.SOCKET)));
            Thread stopping = new Thread(() -> {
                try (SocketChannel ch = agent.accept()) {
                    AgentServer.read(new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                            StandardCharsets.UTF_8)));
                    ch.write(ByteBuffer.wrap(("job " + AgentLink.GC_JOB + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            stopping.start();
            AgentLink.Request gc = AgentLink.gcRequest("/v", "", false, null, null, false, false);
            PrintStream none = new PrintStream(OutputStream.nullOutputStream());
            FatalException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(FatalException.class,
                    () -> AgentLink.backup(state, gc, none, new ProgressLine(none, false)),
                    "not a decline, which would collect again"));
            assertEquals(ErrorCode.JOB_FAILED, e.code());
            assertTrue(e.getMessage().contains("during the garbage collection"), e.getMessage());
            stopping.join(10_000);
            assertFalse(stopping.isAlive(), "the fake agent answered and closed");
        }
    }
}
