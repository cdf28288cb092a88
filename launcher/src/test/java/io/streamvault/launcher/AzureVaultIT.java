package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import io.streamvault.vault.Azurite;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import io.streamvault.vault.internal.AzureStorageFactory;
import io.streamvault.vault.internal.RetryingStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamvault command against an Azure vault on Azurite: a full round trip with the local
 * vault's metadata checks, and an outage in the middle of a backup. The command runs as a child
 * process ({@code bin/streamvault}), because the Azure credentials come from its environment; the
 * Kafka broker runs in this JVM and is shared.
 */
class AzureVaultIT {
    private static final String SEGMENT = "chunker.segment.bytes=" + (16 << 20);
    /** The outage test's pack size: small, so that packs are being written when the storage goes. */
    private static final int OUTAGE_PACK = 4 << 20;
    private static Path shared;
    private static Azurite azurite;
    private static LocalBroker broker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        shared = Files.createTempDirectory("azure-vault-it");
        azurite = Azurite.start(shared.resolve("azurite"));
        broker = LocalBroker.acquire(shared.resolve("cluster"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        if (shared != null) {
            try (var files = Files.walk(shared)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path password() throws IOException {
        return Files.writeString(tmp.resolve("password"), "correct horse battery staple\n");
    }

    private Cli.Result sv(Object... args) throws Exception {
        return Cli.process(List.of(), azurite.env(), args);
    }

    private static Storage storage(String uri) {
        return AzureStorageFactory.open(uri, azurite::getenv, RetryingStorage.Policy.defaults());
    }

    private static long dataBytes(Storage s) {
        return s.list("data/").stream().mapToLong(ObjectInfo::size).sum();
    }

    @Test
    void backupRestoreAndCheckRoundTripThroughAzure() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.full(src, 11);
        String uri = "azure://roundtrip/vaults/main";
        Path pw = password();
        Cli.Result init = sv("init", "--vault", uri, "--password-file", pw);
        assertEquals(0, init.code(), init.toString());

        Cli.Result backup = sv("backup", src, "--vault", uri, "--password-file", pw, "--state-dir", tmp.resolve("state"),
                "--bootstrap-servers", broker.bootstrapServers(), "--json", "-o", SEGMENT);
        assertEquals(0, backup.code(), backup.toString());
        JsonNode s = backup.json();
        assertEquals(BackupRestoreIT.countFiles(src), s.get("files_new").asLong());
        assertEquals(BackupRestoreIT.totalSize(src), s.get("total_bytes").asLong());
        assertTrue(s.get("bytes_added").asLong() > 40 << 20, "the random data is stored: " + s);
        assertTrue(dataBytes(storage(uri)) > 40 << 20, "packs are blobs in the container");

        Path out = tmp.resolve("restored");
        Cli.Result restore = sv("restore", "latest", "--target", out, "--vault", uri, "--password-file", pw);
        assertEquals(0, restore.code(), restore.toString());
        TreeAssert.assertSameTree(src, out);
        assertTrue(SourceTree.allocated(out.resolve(SourceTree.SPARSE)) < 8L << 20, "the hole stays a hole");

        Cli.Result check = sv("check", "--read-data", "--json", "--vault", uri, "--password-file", pw);
        assertEquals(0, check.code(), check.toString());
        JsonNode c = check.json();
        assertTrue(c.get("ok").asBoolean(), check.toString());
        assertEquals(0, c.get("warnings").asLong(), check.toString());
        assertEquals(c.get("packs").asLong(), c.get("packs_read").asLong());
        assertTrue(c.get("vault").asText().startsWith("azure://roundtrip/vaults/main"), check.toString());

        // a pack deleted from the container: check names it
        Storage st = storage(uri);
        String victim = st.list("data/").get(0).name();
        st.delete(victim);
        Cli.Result damaged = sv("check", "--vault", uri, "--password-file", pw);
        assertEquals(1, damaged.code(), damaged.toString());
        assertTrue(damaged.out().contains(victim + ") is missing"), damaged.toString());
        assertFalse(damaged.err().contains("\tat "), damaged.toString());
    }

    @Test
    void anOutageStopsTheBackupWithOneLineAndTheNextBackupResumesReusingWhatWasUploaded() throws Exception {
        Path src = tmp.resolve("src");
        Random rnd = new Random(5);
        long total = 0;
        for (int i = 0; i < 6; i++) {
            byte[] data = SourceTree.bytes(rnd, 32 << 20);
            SourceTree.write(src.resolve("part-" + i + ".bin"), data);
            total += data.length;
        }
        String uri = "azure://outage";
        Path pw = password();
        assertEquals(0, sv("init", "--vault", uri, "--password-file", pw).code());
        Storage st = storage(uri);

        List<String> cmd = new ArrayList<>(List.of(Cli.REPO.resolve("bin/streamvault").toString(), "backup",
                src.toString(), "--vault", uri, "--password-file", pw.toString(), "--state-dir",
                tmp.resolve("state").toString(), "--bootstrap-servers", broker.bootstrapServers(), "--json",
                "-o", "retry.timeout.ms=10000", "-o", "uploader.pack.bytes=" + OUTAGE_PACK, "-o", SEGMENT));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        pb.environment().putAll(azurite.env());
        Path outFile = tmp.resolve("backup.out");
        Path errFile = tmp.resolve("backup.err");
        pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        Process backup = pb.start();
        long uploaded;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while ((uploaded = dataBytes(st)) < total / 2) { // far more than may be written twice (below)
                assertTrue(backup.isAlive(), "the backup ended before the outage: " + Files.readString(errFile)
                        + Files.readString(outFile));
                assertTrue(System.nanoTime() < deadline, "the backup uploads nothing");
                Thread.sleep(100);
            }
            azurite.stop();
            assertTrue(backup.waitFor(4, TimeUnit.MINUTES), "the backup gives up while the storage stays away");
        } finally {
            backup.destroyForcibly();
            azurite.start();
        }
        String err = Files.readString(errFile);
        assertEquals(1, backup.exitValue(), err);
        List<String> lines = err.lines().filter(l -> l.startsWith("streamvault:")).toList();
        assertEquals(1, lines.size(), "one error line: " + err);
        assertTrue(lines.get(0).contains("[storage_unavailable]") && lines.get(0).contains("azure://outage"),
                lines.get(0));
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        System.err.println("AzureVaultIT: after " + uploaded + " bytes uploaded the outage ended the backup with: "
                + lines.get(0));

        Cli.Result again = sv("backup", src, "--vault", uri, "--password-file", pw, "--state-dir", tmp.resolve("state"),
                "--bootstrap-servers", broker.bootstrapServers(), "--json", "-o", SEGMENT);
        assertEquals(0, again.code(), again.toString());
        long added = again.json().get("bytes_added").asLong();
        long stored = dataBytes(st);
        System.err.println("AzureVaultIT: the resumed backup reports " + added + " bytes added; the container holds "
                + stored + " bytes of packs for " + total + " bytes of data, " + uploaded + " of them uploaded before the outage");
        assertTrue(added < total * 0.85, "bytes_added is much less than a full upload: " + added);
        // Had the resumed backup uploaded again what was stored before the outage, the packs would
        // hold total + uploaded bytes (at least total + 96 MiB). What may be written twice is what each
        // uploader thread (2) had written of the requests not yet committed: the packs being written
        // (packs.in.flight + 1, 3 x 4 MiB) and, when the failure comes while a record is handled, what
        // that handling wrote of it (at most its 16 MiB segment; the part committed before is skipped
        // when it comes again, UploadHandler.DONE); 2% slack for the packs' own bytes and packs written
        // short at an idle flush. (Before the skip, 34 MB was once written twice.)
        long repeatable = 2L * ((2 + 1) * OUTAGE_PACK + (16 << 20));
        assertTrue(stored < total + total / 50 + repeatable, "what was uploaded before the outage is reused: " + stored
                + " bytes of packs for " + total + " bytes of data after " + uploaded + " were uploaded");

        Cli.Result check = sv("check", "--read-data", "--json", "--vault", uri, "--password-file", pw);
        assertEquals(0, check.code(), check.toString());
        assertEquals(0, check.json().get("errors").asLong(), check.toString());

        Path out = tmp.resolve("restored");
        Cli.Result restore = sv("restore", "latest", "--target", out, "--vault", uri, "--password-file", pw);
        assertEquals(0, restore.code(), restore.toString());
        TreeAssert.assertSameTree(src, out);
    }
}
