package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forget and garbage collection against the real pipeline (docs/gc.md): they run in a loop while two
 * agents back up changing data that shares chunks across trees and rounds, and every snapshot that
 * remains restores exactly; a collection killed at random moments is completed by the next run.
 */
class GcIT {
    private static final String PASSWORD = "collect while backing up";
    @TempDir
    Path tmp;

    private Object[] cluster(LocalBroker broker, Path vault, Path pw) {
        return new Object[] {"--bootstrap-servers", broker.bootstrapServers(), "--vault", vault, "--password-file", pw,
            "-o", "transaction.timeout.ms=15000"};
    }

    /** Rewrites a tree for one round: files from a small pool of contents, so rounds and trees share chunks. */
    private static void round(Path src, Random rnd, int files) throws Exception {
        if (Files.exists(src)) {
            try (Stream<Path> s = Files.list(src)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (rnd.nextInt(3) == 0) {
                        Files.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(src);
        for (int f = 0; f < files; f++) {
            if (rnd.nextInt(2) == 0) {
                int content = rnd.nextInt(12); // a pool of 12 contents: the same chunks come back
                SourceTree.write(src.resolve("f" + rnd.nextInt(40)), SourceTree.bytes(new Random(content),
                        150_000 + 50_000 * content));
            }
        }
        SourceTree.write(src.resolve("fresh-" + rnd.nextInt(1000)), SourceTree.bytes(rnd, 120_000));
    }

    private static Object[] concat(Object[] a, Object... b) {
        return BackupRestoreIT.concat(a, b);
    }

    @Test
    void forgetAndGcInALoopBesideTwoAgentsBackingUpLoseNothing() throws Exception {
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        Map<String, Path> expected = new HashMap<>();
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster")); Agents agents = new Agents()) {
            Object[] c = cluster(broker, vault, pw);
            for (int i = 0; i < 2; i++) {
                agents.start(tmp.resolve("agent-" + i), concat(c, "-o", "scanner.threads=1", "-o", "chunker.threads=1",
                        "-o", "uploader.threads=1", "-o", "uploader.pack.bytes=1048576"));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger collections = new AtomicInteger();
            List<String> failures = new ArrayList<>();
            CompletableFuture<Void> collector = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    try {
                        Cli.Result f = Cli.process(List.of(), Map.of(), concat(new Object[] {"forget", "--keep-last", "2",
                            "--allow-remove-all", "--prune", "--json", "--state-dir", tmp.resolve("gc-state")}, c));
                        if (f.code() != 0) {
                            failures.add(f.toString());
                        } else {
                            collections.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            Random rnd = new Random(7);
            for (int r = 0; r < 6; r++) {
                List<CompletableFuture<Void>> backups = new ArrayList<>();
                for (String tree : List.of("a", "b")) {
                    Path src = tmp.resolve("src-" + tree);
                    round(src, rnd, 30);
                    Path copy = tmp.resolve("expected-" + tree + "-" + r);
                    Cli.copyTree(src, copy);
                    Object[] args = concat(new Object[] {"backup", src, "--json", "--state-dir", tmp.resolve("client-" + tree)}, c);
                    backups.add(CompletableFuture.runAsync(() -> {
                        try {
                            Cli.Result b = Cli.process(List.of(), Map.of(), args);
                            assertEquals(0, b.code(), b.toString());
                            synchronized (expected) {
                                expected.put(b.json().get("snapshot").asText(), copy);
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }));
                }
                for (CompletableFuture<Void> b : backups) {
                    b.get(5, TimeUnit.MINUTES);
                }
            }
            stop.set(true);
            collector.get(5, TimeUnit.MINUTES);
            assertTrue(failures.isEmpty(), "forget and gc failed: " + failures);
            assertTrue(collections.get() >= 2, "collections ran beside the backups: " + collections.get());

            Cli.Result gc = Cli.run(concat(new Object[] {"gc", "--json", "--state-dir", tmp.resolve("gc-state")}, c));
            assertEquals(0, gc.code(), gc.toString());
            Cli.Result check = Cli.run("check", "--read-data", "--vault", vault, "--password-file", pw);
            assertEquals(0, check.code(), check.toString());
            assertTrue(check.out().contains("no errors"), check.toString());
            Cli.Result list = Cli.run("snapshots", "--json", "--vault", vault, "--password-file", pw);
            JsonNode snaps = list.json();
            assertTrue(snaps.size() >= 2 && snaps.size() <= 6, "keep-last 2 per tree: " + snaps);
            for (JsonNode s : snaps) {
                String id = s.get("id").asText();
                Path out = tmp.resolve("restore-" + id.substring(0, 8));
                Cli.Result restored = Cli.run("restore", id, "--target", out, "--vault", vault, "--password-file", pw);
                assertEquals(0, restored.code(), restored.toString());
                TreeAssert.assertSameTree(expected.get(id), out);
            }
        }
    }

    @Test
    void aCollectionKilledAtRandomMomentsIsCompletedByTheNextAndFreesWhatForgetPredicted() throws Exception {
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster"))) {
            Object[] c = concat(cluster(broker, vault, pw), "--state-dir", tmp.resolve("state"));
            Random rnd = new Random(3);
            Map<String, Path> expected = new HashMap<>();
            Path src = tmp.resolve("src");
            for (int r = 0; r < 4; r++) {
                round(src, rnd, 30);
                // as if two plans backed up the same tree in turn: their snapshots share chunks
                Cli.Result b = Cli.run(concat(new Object[] {"backup", src, "--json", "--tag",
                    r % 2 == 0 ? "plan:alpha" : "plan:beta"}, c));
                assertEquals(0, b.code(), b.toString());
                Path copy = tmp.resolve("expected-" + r);
                Cli.copyTree(src, copy);
                expected.put(b.json().get("snapshot").asText(), copy);
            }
            Cli.Result forget = Cli.run(concat(new Object[] {"forget", "--keep-last", "2", "--json"}, c));
            assertEquals(0, forget.code(), forget.toString());
            long predicted = forget.json().get("bytes_freed").asLong();
            assertTrue(predicted > 0, forget.toString());
            long before = bytes(vault);

            Random when = new Random(11);
            for (int k = 0; k < 4; k++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Cli.REPO.resolve("bin/streamvault").toString());
                cmd.add("gc");
                for (Object o : c) {
                    cmd.add(String.valueOf(o));
                }
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("gc-" + k + ".log").toFile());
                pb.environment().put("STREAMVAULT_NO_BUILD", "1");
                Process p = pb.start();
                Thread.sleep(1500 + when.nextInt(6000));
                p.destroyForcibly(); // kill -9, wherever the collection is
                p.waitFor(30, TimeUnit.SECONDS);
                Cli.Result check = Cli.run("check", "--vault", vault, "--password-file", pw);
                assertEquals(0, check.code(), "after kill " + k + ": " + check);
                for (JsonNode s : Cli.run("snapshots", "--json", "--vault", vault, "--password-file", pw).json()) {
                    assertTrue(expected.containsKey(s.get("id").asText()));
                }
            }
            Cli.Result gc = Cli.run(concat(new Object[] {"gc", "--json"}, c));
            assertEquals(0, gc.code(), gc.toString());
            Cli.Result again = Cli.run(concat(new Object[] {"gc", "--json"}, c));
            assertEquals(0, again.json().get("bytes_freed").asLong(), "a second run finds nothing: " + again);
            assertEquals(0, again.json().get("unindexed_packs_deleted").asLong());
            long freed = before - bytes(vault);
            // GC frees whole packs: what forget predicted (blob bytes), give or take the packs' headers
            // and what stays in packs below the repack threshold (5%)
            assertTrue(Math.abs(freed - predicted) < 0.06 * before, "predicted " + predicted + ", freed " + freed);

            Cli.Result check = Cli.run("check", "--read-data", "--vault", vault, "--password-file", pw);
            assertEquals(0, check.code(), check.toString());
            for (JsonNode s : Cli.run("snapshots", "--json", "--vault", vault, "--password-file", pw).json()) {
                String id = s.get("id").asText();
                Path out = tmp.resolve("restore-" + id.substring(0, 8));
                assertEquals(0, Cli.run("restore", id, "--target", out, "--vault", vault, "--password-file", pw).code());
                TreeAssert.assertSameTree(expected.get(id), out);
            }
            // The space was freed by the first run after the kills, or by a killed one that got to its end
            // (it recorded itself; the run after it then has nothing to do and records nothing).
            boolean freedHere = gc.json().get("packs_deleted").asLong() + gc.json().get("packs_repacked").asLong()
                    + gc.json().get("unindexed_packs_deleted").asLong() + gc.json().get("packs_written").asLong() > 0
                    || gc.json().get("index_objects_after").asLong() != gc.json().get("index_objects_before").asLong();
            assertCapacity(vault, pw, expected.keySet(), forget.json().get("removed"),
                    freedHere ? gc.json().get("run").asText() : null);
        }
    }

    /**
     * docs/capacity.md: each backup command, the forget and the collection that freed something left a
     * record whose shares add up; the plans' shares now add up to the stored capacity stats reports,
     * which is the bytes of the vault's files. {@code run}: the collection that freed the space (null:
     * one of the collections, a killed one that got to its end).
     */
    private void assertCapacity(Path vault, Path pw, Set<String> backedUp, JsonNode removed, String run)
            throws Exception {
        Cli.Result h = Cli.run("stats", "--history", "--json", "--vault", vault, "--password-file", pw);
        assertEquals(0, h.code(), h.toString());
        Set<String> recorded = new HashSet<>();
        List<String> forgets = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (JsonNode r : h.json()) {
            long sum = 0;
            for (JsonNode share : r.get("plans")) {
                sum += share.asLong();
            }
            assertEquals(r.get("stored_bytes").asLong(), sum, "a record's shares add up: " + r);
            switch (r.get("trigger").asText()) {
                case "backup" -> r.get("snapshots").forEach(x -> recorded.add(x.asText()));
                case "forget" -> r.get("snapshots").forEach(x -> forgets.add(x.asText()));
                default -> runs.add(r.get("run").asText());
            }
        }
        assertEquals(backedUp, recorded, "every backup is in a record");
        List<String> forgotten = new ArrayList<>();
        removed.forEach(x -> forgotten.add(x.asText()));
        assertEquals(forgotten, forgets, "the forget's record names what it removed");
        assertTrue(run == null ? !runs.isEmpty() : runs.contains(run), "the collection that freed the space is recorded: "
                + runs);

        Cli.Result st = Cli.run("stats", "--json", "--vault", vault, "--password-file", pw);
        assertEquals(0, st.code(), st.toString());
        long stored = st.json().get("vault").get("stored_bytes").asLong();
        JsonNode capacity = st.json().get("capacity");
        assertEquals(stored, capacity.get("vault").get("stored_bytes").asLong());
        long sum = 0;
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode share : capacity.get("plans")) {
            sum += share.get("stored_bytes").asLong();
            byName.put(share.get("plan").asText(), share);
        }
        assertEquals(stored, sum, "the plans' shares add up to the stored capacity stats reports: " + capacity);
        assertEquals(bytes(vault), stored, "the stored capacity is the bytes of the vault's objects");
        assertTrue(byName.get("alpha").get("stored_bytes").asLong() > 0 && byName.get("beta").get("shared_bytes").asLong()
                > 0, "both plans hold data, and share some: " + capacity);

        Cli.Result csv = Cli.run("stats", "--history", "--csv", "--vault", vault, "--password-file", pw);
        assertEquals(0, csv.code(), csv.toString());
        List<String> lines = csv.out().lines().toList();
        assertEquals(h.json().size() + 1, lines.size(), csv.out());
        assertTrue(lines.get(0).startsWith("time,trigger,snapshots,run,") && lines.get(0).contains(",plan:alpha,plan:beta,"),
                lines.get(0));
    }

    private static long bytes(Path vault) throws Exception {
        try (Stream<Path> s = Files.walk(vault)) {
            long n = 0;
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
                    n += Files.size(p);
                }
            }
            return n;
        }
    }
}
