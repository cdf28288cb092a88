package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.fs.FileKind;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamvault check} on a local vault holding two snapshots of two different directories,
 * damaged in every way the issue names. Each test works on its own copy of the vault.
 */
class CheckIT {
    private static final String PASSWORD = "correct horse battery staple";
    @TempDir
    static Path base;
    private static String snapA;
    private static String snapB;

    @TempDir
    Path tmp;
    Path vault;
    Path pw;

    @BeforeAll
    static void twoSnapshots() throws Exception {
        Random rnd = new Random(3);
        Path a = base.resolve("src-a");
        SourceTree.write(a.resolve("one.bin"), SourceTree.bytes(rnd, 2 << 20));
        SourceTree.write(a.resolve("two.txt"), "two\n".getBytes(StandardCharsets.UTF_8));
        SourceTree.setTimes(a, rnd);
        Path b = base.resolve("src-b");
        SourceTree.write(b.resolve("three.bin"), SourceTree.bytes(rnd, 3 << 20));
        SourceTree.write(b.resolve("sub/four.bin"), SourceTree.bytes(rnd, 1 << 20));
        SourceTree.setTimes(b, rnd);
        Path v = base.resolve("vault");
        Path p = Files.writeString(base.resolve("password"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", v, "--password-file", p).code());
        for (Path src : List.of(a, b)) {
            Cli.Result r = Cli.run("backup", src, "--vault", v, "--password-file", p, "--state-dir", base.resolve("state"),
                    "--json");
            assertEquals(0, r.code(), r.toString());
            if (src == a) {
                snapA = r.json().get("snapshot").asText();
            } else {
                snapB = r.json().get("snapshot").asText();
            }
        }
    }

    @BeforeEach
    void copyVault() throws IOException {
        vault = tmp.resolve("vault");
        Cli.copyTree(base.resolve("vault"), vault);
        pw = base.resolve("password");
    }

    private Cli.Result cli(Object... args) {
        return Cli.onVault(vault, pw, args);
    }

    /** Where the first chunk of three.bin (only in snapshot B) is stored. */
    private BlobLocation chunkOfThree() {
        try (Vault v = Vault.open(Storages.open(vault.toString()), PASSWORD.toCharArray())) {
            MasterIndex index = v.loadIndex();
            Tree top = tree(v, index, v.loadSnapshot(snapB).snapshot().tree());
            Tree root = tree(v, index, top.nodes().get(0).subtree());
            for (Node n : root.nodes()) {
                if (new String(n.name(), StandardCharsets.UTF_8).equals("three.bin")) {
                    return index.find(n.content().get(0), BlobType.DATA).orElseThrow();
                }
            }
            throw new AssertionError("three.bin not in snapshot B");
        }
    }

    /** Every pack snapshot A uses. */
    private Set<String> packsOfA() {
        try (Vault v = Vault.open(Storages.open(vault.toString()), PASSWORD.toCharArray())) {
            MasterIndex index = v.loadIndex();
            Set<String> packs = new HashSet<>();
            List<BlobId> todo = new ArrayList<>(List.of(v.loadSnapshot(snapA).snapshot().tree()));
            while (!todo.isEmpty()) {
                BlobId t = todo.remove(todo.size() - 1);
                packs.add(index.find(t, BlobType.TREE).orElseThrow().pack());
                for (Node n : tree(v, index, t).nodes()) {
                    if (n.type() == FileKind.DIR) {
                        todo.add(n.subtree());
                    }
                    n.content().forEach(c -> packs.add(index.find(c, BlobType.DATA).orElseThrow().pack()));
                }
            }
            return packs;
        }
    }

    private static Tree tree(Vault v, MasterIndex index, BlobId id) {
        return v.decodeTree(v.readBlob(index.find(id, BlobType.TREE).orElseThrow()));
    }

    private Path packFile(String pack) {
        return vault.resolve("data").resolve(pack.substring(0, 2)).resolve(pack);
    }

    static void assertOneLineError(Cli.Result r, String... expected) {
        assertTrue(r.code() != 0, "expected a failure: " + r);
        List<String> lines = r.err().lines().filter(l -> l.startsWith("streamvault:")).toList();
        assertEquals(1, lines.size(), "one error line: " + r);
        for (String e : expected) {
            assertTrue(lines.get(0).contains(e), "'" + lines.get(0) + "' should mention '" + e + "'");
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void aSoundVaultChecksCleanWithAndWithoutData() {
        Cli.Result plain = cli("check");
        assertEquals(0, plain.code(), plain.toString());
        assertTrue(plain.lastLine().contains("2 snapshots") && plain.lastLine().contains("no errors"), plain.toString());
        Cli.Result data = cli("check", "--read-data", "--json");
        assertEquals(0, data.code(), data.toString());
        JsonNode j = data.json();
        assertTrue(j.get("ok").asBoolean());
        assertEquals(0, j.get("errors").asLong());
        assertEquals(j.get("packs").asLong(), j.get("packs_read").asLong());
        assertTrue(j.get("bytes_read").asLong() > 6 << 20, "all data was read: " + j);
        Cli.Result subset = cli("check", "--read-data-subset", "50%", "--json");
        assertEquals(0, subset.code(), subset.toString());
        assertTrue(subset.json().get("packs_read").asLong() >= 1);
        assertTrue(subset.json().get("packs_read").asLong() < j.get("packs").asLong());
        assertOneLineError(cli("check", "--read-data-subset", "0%"), "percentage");
    }

    @Test
    void aFlippedByteIsFoundByReadDataNamingPackFileAndSnapshotWhileOtherSnapshotsRestoreExactly() throws Exception {
        BlobLocation loc = chunkOfThree();
        assertFalse(packsOfA().contains(loc.pack()), "the damaged pack must be one snapshot A does not use");
        Path pack = packFile(loc.pack());
        byte[] bytes = Files.readAllBytes(pack);
        bytes[(int) (loc.offset() + loc.length() / 2)] ^= 0x10;
        Files.write(pack, bytes);

        assertEquals(0, cli("check").code(), "without --read-data the structure is sound");
        Cli.Result r = cli("check", "--read-data");
        assertOneLineError(r, "check found 1 error");
        assertTrue(r.out().contains("error: pack " + loc.pack()), r.toString());
        assertTrue(r.out().contains(snapB.substring(0, 8) + ":three.bin"), r.toString());
        assertFalse(r.out().contains(snapA.substring(0, 8)), "snapshot A is not affected: " + r);
        JsonNode j = cli("check", "--read-data", "--json").json();
        assertEquals(1, j.get("errors").asLong());
        JsonNode p = j.get("problems").get(0);
        assertEquals("data/" + loc.pack().substring(0, 2) + "/" + loc.pack(), p.get("object").asText());
        assertEquals(List.of(snapB.substring(0, 8)), List.of(p.get("snapshots").get(0).asText()));

        Cli.Result restoreA = cli("restore", snapA, "--target", tmp.resolve("a"));
        assertEquals(0, restoreA.code(), restoreA.toString());
        TreeAssert.assertSameTree(base.resolve("src-a"), tmp.resolve("a"));
        Cli.Result restoreB = cli("restore", snapB, "--target", tmp.resolve("b"));
        assertNotEquals(0, restoreB.code());
        assertTrue(restoreB.err().contains("three.bin") && restoreB.err().contains(loc.pack()), restoreB.toString());
        assertFalse(restoreB.err().contains("\tat "), restoreB.toString());
    }

    @Test
    void aDeletedPackIsReported() throws Exception {
        BlobLocation loc = chunkOfThree();
        Files.delete(packFile(loc.pack()));
        Cli.Result r = cli("check");
        assertOneLineError(r, "check found");
        assertTrue(r.out().contains("pack " + loc.pack() + " (data/" + loc.pack().substring(0, 2) + "/" + loc.pack()
                + ") is missing"), r.toString());
        assertTrue(r.out().contains(snapB.substring(0, 8) + ":three.bin"), r.toString());
        assertFalse(r.out().contains(snapA.substring(0, 8)), r.toString());
    }

    @Test
    void aPackInNoIndexIsOnlyAWarning() throws Exception {
        String id = "ab" + "0".repeat(62);
        SourceTree.write(packFile(id), new byte[1000]);
        Cli.Result r = cli("check");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("warning: pack " + id) && r.out().contains("in no index"), r.toString());
        assertTrue(r.lastLine().contains("no errors, 1 warning"), r.toString());
    }

    @Test
    void aTruncatedPackIsReportedWithoutReadingData() throws Exception {
        BlobLocation loc = chunkOfThree();
        Path pack = packFile(loc.pack());
        byte[] bytes = Files.readAllBytes(pack);
        Files.write(pack, Arrays.copyOf(bytes, bytes.length - 100));
        Cli.Result r = cli("check");
        assertOneLineError(r, "check found");
        assertTrue(r.out().contains("pack " + loc.pack()) && r.out().contains("truncated"), r.toString());
    }

    @Test
    void truncatedOrGarbageObjectsGiveClearErrors() throws Exception {
        // a snapshot object cut short: check names it, listing fails with one line
        Path snap = vault.resolve("snapshots").resolve(snapB);
        byte[] s = Files.readAllBytes(snap);
        Files.write(snap, Arrays.copyOf(s, s.length / 2));
        Cli.Result r = cli("check");
        assertOneLineError(r, "check found");
        assertTrue(r.out().contains("snapshot snapshots/" + snapB + " cannot be read"), r.toString());
        Cli.Result listed = cli("snapshots");
        assertOneLineError(listed, "snapshots/" + snapB);
        assertTrue(listed.out().contains(snapA.substring(0, 8)) && listed.out().contains("1 snapshot"),
                "the readable snapshot is still listed: " + listed);
        Files.write(snap, s);

        // an index object replaced by garbage: check names it; restore fails with one line
        Path index;
        try (Stream<Path> l = Files.list(vault.resolve("index"))) {
            index = l.sorted().findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(index);
        Files.write(index, "garbage".getBytes(StandardCharsets.UTF_8));
        r = cli("check");
        assertOneLineError(r, "check found");
        assertTrue(r.out().contains("index object index/" + index.getFileName() + " cannot be read"), r.toString());
        Cli.Result restored = cli("restore", snapA, "--target", tmp.resolve("x"));
        assertOneLineError(restored, "index/" + index.getFileName());
        assertTrue(restored.err().contains("warning: skipping a damaged index object: index object index/"
                + index.getFileName()), "the restore goes on without it: " + restored);
        Files.write(index, original);
        assertEquals(0, cli("check").code());

        // the key object truncated: nothing opens, one line naming it
        Path key;
        try (Stream<Path> l = Files.list(vault.resolve("keys"))) {
            key = l.findFirst().orElseThrow();
        }
        byte[] k = Files.readAllBytes(key);
        Files.write(key, Arrays.copyOf(k, 20));
        assertOneLineError(cli("check"), "keys/" + key.getFileName());
        Files.write(key, k);

        // config garbage
        Path config = vault.resolve("config");
        byte[] c = Files.readAllBytes(config);
        Files.write(config, "SVAULT01garbage".getBytes(StandardCharsets.UTF_8));
        assertOneLineError(cli("check"), "config");
        Files.write(config, c);
        assertEquals(0, cli("check").code());
    }

    @Test
    void aWrongPasswordIsOneClearLine() throws Exception {
        Path wrong = Files.writeString(tmp.resolve("wrong"), "not it\n");
        assertOneLineError(Cli.run("check", "--vault", vault, "--password-file", wrong), "wrong password");
    }
}
