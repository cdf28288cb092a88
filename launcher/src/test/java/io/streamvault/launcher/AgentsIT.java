package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several agent processes share one backup job; one of them killed half-way does not break it. */
class AgentsIT {
    private static final String PASSWORD = "agents share the work";
    @TempDir
    Path tmp;

    @Test
    void threeAgentsShareAJobAndSurviveOneKilledHalfWay() throws Exception {
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        Path src = tmp.resolve("src");
        SourceTree.full(src, 11);
        Random rnd = new Random(12);
        for (int d = 0; d < 8; d++) {
            for (int f = 0; f < 12; f++) {
                SourceTree.write(src.resolve("bulk/d" + d + "/f" + f), SourceTree.bytes(rnd, 200_000 + rnd.nextInt(600_000)));
            }
        }
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster")); Agents agents = new Agents()) {
            Object[] agentArgs = {"--bootstrap-servers", broker.bootstrapServers(), "--vault", vault, "--password-file", pw,
                "-o", "scanner.threads=1", "-o", "chunker.threads=1", "-o", "uploader.threads=1",
                "-o", "transaction.timeout.ms=15000", "-o", "uploader.pack.bytes=4194304"};
            Agents.Agent[] a = new Agents.Agent[3];
            for (int i = 0; i < 3; i++) {
                a[i] = agents.start(tmp.resolve("agent-" + i), agentArgs);
            }
            Object[] backupArgs = {"--bootstrap-servers", broker.bootstrapServers(), "--vault", vault, "--password-file", pw,
                "--state-dir", tmp.resolve("client"), "--json", "-o", "transaction.timeout.ms=15000"};

            Cli.Result first = Cli.run(BackupRestoreIT.concat(new Object[] {"backup", src}, backupArgs));
            assertEquals(0, first.code(), first.toString());
            JsonNode workers = first.json().get("workers");
            for (Agents.Agent agent : a) {
                JsonNode w = workers.get(agent.instance());
                assertTrue(w != null && w.get("dirs").asLong() + w.get("files").asLong() + w.get("chunks_uploaded").asLong() > 0,
                        "agent " + agent.instance() + " did part of the work: " + workers);
            }
            assertEquals(3, workers.size(), "only the agents worked, the backup command ran no role: " + workers);
            restoreAndCompare(vault, pw, first.json().get("snapshot").asText(), src, "restore-1");

            // Half-way through the next backup (of new data), one agent dies without warning.
            for (int d = 0; d < 8; d++) {
                for (int f = 0; f < 12; f++) {
                    SourceTree.write(src.resolve("more/d" + d + "/f" + f), SourceTree.bytes(rnd, 200_000 + rnd.nextInt(600_000)));
                }
            }
            long packsBefore = countPacks(vault);
            CompletableFuture<Cli.Result> second = CompletableFuture.supplyAsync(() ->
                    Cli.run(BackupRestoreIT.concat(new Object[] {"backup", src}, backupArgs)));
            long deadline = System.currentTimeMillis() + 60_000;
            while (countPacks(vault) < packsBefore + 2 && System.currentTimeMillis() < deadline && !second.isDone()) {
                Thread.sleep(50);
            }
            assertTrue(!second.isDone(), "the backup was still running when the agent was killed");
            agents.kill(a[1]);
            Cli.Result r = second.get(5, TimeUnit.MINUTES);
            assertEquals(0, r.code(), r.toString());
            restoreAndCompare(vault, pw, r.json().get("snapshot").asText(), src, "restore-2");
            assertAtMostInFlightPacksRetried(vault, PASSWORD, 1);
        }
    }

    private void restoreAndCompare(Path vault, Path pw, String snapshot, Path src, String name) throws Exception {
        Path out = tmp.resolve(name);
        Cli.Result r = Cli.run("restore", snapshot, "--target", out, "--vault", vault, "--password-file", pw);
        assertEquals(0, r.code(), r.toString());
        TreeAssert.assertSameTree(src, out);
    }

    /** Packs in a local vault; may be called while a backup writes to it. */
    static long countPacks(Path vault) throws Exception {
        Path data = vault.resolve("data");
        for (int attempt = 1;; attempt++) {
            if (!Files.exists(data)) {
                return 0;
            }
            try (var s = Files.walk(data)) {
                return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).count();
            } catch (UncheckedIOException e) {
                // A pack's temporary file was renamed between the listing and its stat: walk again.
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * A chunk is stored in two packs only when a pack was written (with its index object) but the
     * transaction carrying its events was lost. An uploader that dies can leave one pack whose
     * events were emitted but not yet committed, and every pack its writers were still writing
     * ({@code uploader.packs.in.flight}): at most that many plus one packs' worth per dead uploader.
     */
    static void assertAtMostInFlightPacksRetried(Path vault, String password, int deadUploaders) {
        int perUploader = StreamVaultConfig.defaults().getInt(StreamVaultConfig.UPLOADER_PACKS_IN_FLIGHT) + 1;
        try (Vault v = Vault.open(Storages.open(vault.toString()), password.toCharArray())) {
            MasterIndex index = v.loadIndex();
            Map<BlobId, Integer> copies = new HashMap<>();
            Map<String, Integer> perPack = new HashMap<>();
            index.forEach(loc -> {
                if (loc.type() == BlobType.DATA) {
                    copies.merge(loc.id(), 1, Integer::sum);
                    perPack.merge(loc.pack(), 1, Integer::sum);
                }
            });
            long duplicates = copies.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            int largestPack = perPack.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            long bound = (long) largestPack * perUploader * deadUploaders;
            assertTrue(duplicates <= bound, duplicates + " duplicate chunks, more than " + perUploader * deadUploaders
                    + " pack(s) worth (" + largestPack + " per pack)");
        }
    }
}
