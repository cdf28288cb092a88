package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.fs.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input ends in one line naming the problem, a non-zero exit, and no snapshot half-written. */
class BadInputIT {
    @TempDir
    Path tmp;

    private Path pw(String password) throws IOException {
        return Files.writeString(tmp.resolve("pw-" + password.hashCode()), password + "\n");
    }

    private static void assertOneLineError(Cli.Result r, String... expected) {
        assertTrue(r.code() != 0, "expected a failure: " + r);
        List<String> lines = r.err().lines().filter(l -> l.startsWith("streamvault:")).toList();
        assertEquals(1, lines.size(), "one error line: " + r);
        for (String e : expected) {
            assertTrue(lines.get(0).contains(e), "'" + lines.get(0) + "' should mention '" + e + "'");
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void sourceMissing() throws Exception {
        Path vault = tmp.resolve("vault");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("a")).code());
        Cli.Result r = Cli.run("backup", tmp.resolve("nope"), "--vault", vault, "--password-file", pw("a"),
                "--state-dir", tmp.resolve("state"));
        assertOneLineError(r, "nope", "no such directory");
        assertNoSnapshots(vault, pw("a"));
    }

    @Test
    void vaultNotInitialized() throws Exception {
        Files.createDirectories(tmp.resolve("src"));
        Cli.Result r = Cli.run("backup", tmp.resolve("src"), "--vault", tmp.resolve("none"), "--password-file",
                pw("a"), "--state-dir", tmp.resolve("state"));
        assertOneLineError(r, "no vault at", "none");
        assertFalse(Files.exists(tmp.resolve("none/config")));
    }

    @Test
    void initOnAnExistingVault() throws Exception {
        Path vault = tmp.resolve("vault");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("a")).code());
        byte[] config = Files.readAllBytes(vault.resolve("config"));
        assertOneLineError(Cli.run("init", "--vault", vault, "--password-file", pw("b")), "already exists");
        assertEquals(-1, Arrays.mismatch(config, Files.readAllBytes(vault.resolve("config"))),
                "the existing vault is untouched");
    }

    @Test
    void initWithACompressionLevelZstdDoesNotHave() throws Exception {
        Path vault = tmp.resolve("vault");
        assertOneLineError(Cli.run("init", "--vault", vault, "--password-file", pw("a"), "--compression-level", "99"),
                "zstd level 99");
        assertFalse(Files.exists(vault.resolve("config")));
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("a"), "--compression-level", "7").code());
        try (var storage = io.streamvault.vault.Storages.open(vault.toString());
                var v = io.streamvault.vault.Vault.open(storage, "a".toCharArray())) {
            assertEquals(7, v.config().compressionLevel());
        }
    }

    @Test
    void wrongPassword() throws Exception {
        Path vault = tmp.resolve("vault");
        Files.createDirectories(tmp.resolve("src"));
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("right")).code());
        assertOneLineError(Cli.run("backup", tmp.resolve("src"), "--vault", vault, "--password-file", pw("wrong"),
                "--state-dir", tmp.resolve("state")), "wrong password");
        assertOneLineError(Cli.run("snapshots", "--vault", vault, "--password-file", pw("wrong")), "wrong password");
    }

    @Test
    void brokerUnreachable() throws Exception {
        Path vault = tmp.resolve("vault");
        Files.createDirectories(tmp.resolve("src"));
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("a")).code());
        Cli.Result r = Cli.run("backup", tmp.resolve("src"), "--vault", vault, "--password-file", pw("a"),
                "--state-dir", tmp.resolve("state"), "--bootstrap-servers", "127.0.0.1:9", "-o", "cluster.timeout.ms=3000");
        assertOneLineError(r, "cannot reach the Kafka cluster at 127.0.0.1:9");
        assertNoSnapshots(vault, pw("a"));
    }

    @Test
    void statsHistoryOptionsAreCheckedAndANegativePriceRefused() throws Exception {
        Path vault = tmp.resolve("vault");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("a")).code());
        Object[] v = {"--vault", vault, "--password-file", pw("a")};
        assertOneLineError(Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--csv"}, v)), "--csv needs --history");
        assertOneLineError(Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--since", "7d"}, v)),
                "--since needs --history");
        assertOneLineError(Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--history", "--json", "--csv"}, v)),
                "exclude each other");
        assertOneLineError(Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--history", "latest"}, v)),
                "takes no snapshot");
        assertOneLineError(Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--history", "--since", "soon"}, v)),
                "--since \"soon\"", "30d");
        assertOneLineError(Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "-o", "billing.price.per.gb.month=-1"},
                v)), "billing.price.per.gb.month");
        Cli.Result empty = Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--history"}, v));
        assertEquals(0, empty.code(), empty.toString());
        assertTrue(empty.out().contains("no capacity records"), empty.toString());
        Cli.Result csv = Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--history", "--csv"}, v));
        assertEquals(List.of("time,trigger,snapshots,run,snapshot_count,stored_bytes,logical_bytes,unused_bytes,"
                + "dedup_ratio,compression_ratio,monthly_cost,(no plan),(unused),(metadata)"), csv.out().lines().toList());
        Cli.Result priced = Cli.run(BackupRestoreIT.concat(new Object[] {"stats", "--json", "-o",
            "billing.price.per.gb.month=0.5", "-o", "billing.currency=EUR"}, v));
        assertEquals(0, priced.code(), priced.toString());
        JsonNode c = priced.json().get("capacity");
        assertEquals("EUR", c.get("currency").asText());
        assertEquals(priced.json().get("vault").get("stored_bytes").asLong() / (double) (1L << 30) * 0.5,
                c.get("vault").get("monthly_cost").asDouble(), 1e-15);
    }

    /**
     * A file the backup may not read is skipped with a warning and counted; the backup completes,
     * says it is incomplete and exits 3. As root, the command runs without the capabilities that
     * let root read anything, so the permission bits apply as they would to any user.
     */
    @Test
    void unreadableFileIsSkippedAndTheSnapshotMarkedIncomplete() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.write(src.resolve("readable.txt"), "fine".getBytes());
        Path secret = SourceTree.write(src.resolve("secret.txt"), "hidden".getBytes());
        Posix.chmod(secret, 0);
        Path vault = tmp.resolve("vault");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw("a")).code());
        List<String> wrapper = Posix.isRoot()
                ? List.of("capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c")
                : List.of();
        Cli.Result r = Cli.process(wrapper, Map.of(), "backup", src, "--vault", vault, "--password-file", pw("a"),
                "--state-dir", tmp.resolve("state"), "--json");
        assertEquals(3, r.code(), r.toString());
        JsonNode s = r.json();
        assertEquals(1, s.get("files_skipped").asLong());
        assertEquals(1, s.get("files_new").asLong());
        assertTrue(s.get("incomplete").asBoolean());
        assertTrue(s.get("warnings").toString().contains("secret.txt"), r.toString());
        Cli.Result list = Cli.run("snapshots", "--vault", vault, "--password-file", pw("a"), "--json");
        assertEquals(1, list.json().size());
        assertTrue(list.json().get(0).get("incomplete").asBoolean());
    }

    private static void assertNoSnapshots(Path vault, Path pw) {
        Cli.Result list = Cli.run("snapshots", "--vault", vault, "--password-file", pw, "--json");
        assertEquals(0, list.code(), list.toString());
        assertEquals(0, list.json().size());
    }
}
