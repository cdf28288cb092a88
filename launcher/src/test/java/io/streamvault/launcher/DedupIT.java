package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Global dedup: across paths, across concurrent backups, across crashes, across lost state. */
class DedupIT {
    private static final String PASSWORD = "dedup everything";
    @TempDir
    Path tmp;
    private Path vault;
    private Path pw;

    private void init() throws IOException {
        vault = tmp.resolve("vault");
        pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
    }

    private static void bulk(Path dir, long seed, int files, int maxSize) throws IOException {
        Random rnd = new Random(seed);
        for (int i = 0; i < files; i++) {
            SourceTree.write(dir.resolve("d" + (i % 7) + "/f" + i), SourceTree.bytes(rnd, 1000 + rnd.nextInt(maxSize)));
        }
    }

    private JsonNode backup(Path src, Path state, Object... more) {
        Cli.Result r = Cli.run(BackupRestoreIT.concat(new Object[] {"backup", src, "--vault", vault, "--password-file", pw,
            "--state-dir", state, "--json"}, more));
        assertEquals(0, r.code(), r.toString());
        return r.json();
    }

    private void assertRestores(String snapshot, Path expected) throws Exception {
        Path out = tmp.resolve("restore-" + snapshot.substring(0, 8));
        Cli.Result r = Cli.run("restore", snapshot, "--target", out, "--vault", vault, "--password-file", pw);
        assertEquals(0, r.code(), r.toString());
        TreeAssert.assertSameTree(expected, out);
    }

    @Test
    void theSameTreeFromAnotherPathAddsAlmostNothing() throws Exception {
        init();
        Path a = tmp.resolve("a");
        SourceTree.full(a, 21);
        bulk(a.resolve("bulk"), 22, 60, 400_000);
        Path b = tmp.resolve("b");
        assertEquals(0, new ProcessBuilder("cp", "-a", a.toString(), b.toString()).start().waitFor());
        JsonNode first = backup(a, tmp.resolve("state"));
        JsonNode second = backup(b, tmp.resolve("state"));
        assertEquals(first.get("bytes_read").asLong(), second.get("bytes_read").asLong(), "another path has no parent: all is read");
        assertTrue(second.get("bytes_added").asLong() < first.get("bytes_added").asLong() / 100,
                "the second path adds under 1%: " + second.get("bytes_added") + " of " + first.get("bytes_added"));
        assertRestores(second.get("snapshot").asText(), b);
    }

    @Test
    void twoBackupsAtOnceOverOverlappingDataStoreEachChunkOnce() throws Exception {
        init();
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        bulk(a.resolve("shared"), 31, 80, 500_000);
        assertEquals(0, new ProcessBuilder("cp", "-a", a.toString(), b.toString()).start().waitFor());
        bulk(a.resolve("own"), 32, 20, 300_000);
        bulk(b.resolve("own"), 33, 20, 300_000);
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster"))) {
            CompletableFuture<Cli.Result> ra = CompletableFuture.supplyAsync(() -> process(a, broker, "one"));
            CompletableFuture<Cli.Result> rb = CompletableFuture.supplyAsync(() -> process(b, broker, "two"));
            Cli.Result x = ra.get(5, TimeUnit.MINUTES);
            Cli.Result y = rb.get(5, TimeUnit.MINUTES);
            assertEquals(0, x.code(), x.toString());
            assertEquals(0, y.code(), y.toString());
            assertEquals(0, duplicateChunks(), "every chunk is stored once, whichever backup saw it first");
            assertRestores(x.json().get("snapshot").asText(), a);
            assertRestores(y.json().get("snapshot").asText(), b);
        }
    }

    private Cli.Result process(Path src, LocalBroker broker, String name) {
        try {
            return Cli.process(List.of(), Map.of(), "backup", src, "--vault", vault, "--password-file", pw, "--state-dir",
                    tmp.resolve("state-" + name), "--bootstrap-servers", broker.bootstrapServers(), "--json");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void aBackupKilledHalfWayIsCompletedByTheNextRun() throws Exception {
        init();
        Path src = tmp.resolve("src");
        SourceTree.full(src, 41);
        bulk(src.resolve("bulk"), 42, 150, 1_000_000);
        Path state = tmp.resolve("state");
        List<String> cmd = List.of(Cli.REPO.resolve("bin/streamvault").toString(), "backup", src.toString(), "--vault",
                vault.toString(), "--password-file", pw.toString(), "--state-dir", state.toString(),
                "-o", "uploader.pack.bytes=4194304");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile());
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (AgentsIT.countPacks(vault) < 3 && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the backup was killed while it ran: " + Files.readString(tmp.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL: broker, workers and all, mid-transaction
        p.waitFor();

        JsonNode again = backup(src, state, "-o", "uploader.pack.bytes=4194304");
        assertRestores(again.get("snapshot").asText(), src);
        Cli.Result check = Cli.run("check", "--read-data", "--vault", vault, "--password-file", pw);
        assertEquals(0, check.code(), check.toString());
        AgentsIT.assertAtMostInFlightPacksRetried(vault, PASSWORD, 2); // the killed process ran two uploaders
    }

    @Test
    void afterTheStateIsLostRebuildIndexKeepsDedup() throws Exception {
        init();
        Path src = tmp.resolve("src");
        SourceTree.full(src, 51);
        bulk(src.resolve("bulk"), 52, 40, 500_000);
        Path state = tmp.resolve("state");
        JsonNode first = backup(src, state);
        deleteTree(state);
        Cli.Result rebuild = Cli.run("rebuild-index", "--vault", vault, "--password-file", pw, "--state-dir", state);
        assertEquals(0, rebuild.code(), rebuild.toString());
        assertTrue(rebuild.out().contains("stored chunks announced"), rebuild.toString());
        JsonNode again = backup(src, state, "--force-read");
        assertEquals(first.get("bytes_read").asLong(), again.get("bytes_read").asLong(), "--force-read reads everything again");
        assertTrue(again.get("bytes_added").asLong() < first.get("bytes_added").asLong() / 100,
                "under 1% added after the state was lost: " + again.get("bytes_added") + " of " + first.get("bytes_added"));
        assertEquals(0, duplicateChunks());
    }

    private long duplicateChunks() {
        try (Vault v = Vault.open(Storages.open(vault.toString()), PASSWORD.toCharArray())) {
            Map<BlobId, Integer> copies = new HashMap<>();
            v.loadIndex().forEach(loc -> {
                if (loc.type() == BlobType.DATA) {
                    copies.merge(loc.id(), 1, Integer::sum);
                }
            });
            return copies.values().stream().filter(n -> n > 1).count();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
