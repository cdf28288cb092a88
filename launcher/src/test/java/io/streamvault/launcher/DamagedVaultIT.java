package io.streamvault.launcher;

import static io.streamvault.launcher.CheckIT.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects of every kind of a vault flipped, truncated and swapped (one renamed over another), as
 * docs/reliability.md (Hostile and damaged input) describes: {@code check} names every damaged object
 * and the snapshots and paths it affects, and every snapshot the damage does not reach restores
 * byte for byte (and a damaged one restores what it can). Three snapshots of three directories (A,
 * B, C); the damage is always to objects of B (and, for a swap, of C); each test works on its own
 * copy of the vault.
 */
class DamagedVaultIT {
    private static final String PASSWORD = "correct horse battery staple";
    /** The byte a flip changes: one bit. */
    private static final int FLIP = 0x04;
    @TempDir
    static Path base;
    private static String snapA;
    private static String snapB;
    private static String snapC;

    @TempDir
    Path tmp;
    Path vault;
    Path pw;

    @BeforeAll
    static void threeSnapshots() throws Exception {
        Random rnd = new Random(23);
        SourceTree.write(base.resolve("src-a/one.bin"), SourceTree.bytes(rnd, 1 << 20));
        SourceTree.write(base.resolve("src-a/two.txt"), "two\n".getBytes(StandardCharsets.UTF_8));
        SourceTree.write(base.resolve("src-b/three.bin"), SourceTree.bytes(rnd, 2 << 20));
        SourceTree.write(base.resolve("src-b/sub/four.bin"), SourceTree.bytes(rnd, 1 << 20));
        SourceTree.write(base.resolve("src-c/five.bin"), SourceTree.bytes(rnd, 1 << 20));
        Path v = base.resolve("vault");
        Path p = Files.writeString(base.resolve("password"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", v, "--password-file", p).code());
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            Path src = base.resolve("src-" + (char) ('a' + i));
            SourceTree.setTimes(src, rnd);
            Cli.Result r = Cli.run("backup", src, "--vault", v, "--password-file", p, "--state-dir",
                    base.resolve("state"), "--json");
            assertEquals(0, r.code(), r.toString());
            ids[i] = r.json().get("snapshot").asText();
        }
        snapA = ids[0];
        snapB = ids[1];
        snapC = ids[2];
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

    // --- damage -----------------------------------------------------------------------------

    private static void flip(Path object, long at) throws IOException {
        byte[] b = Files.readAllBytes(object);
        b[(int) at] ^= FLIP;
        Files.write(object, b);
    }

    private static void truncate(Path object) throws IOException {
        byte[] b = Files.readAllBytes(object);
        Files.write(object, Arrays.copyOf(b, b.length / 2));
    }

    /** Renames {@code from} over {@code to}: {@code to}'s name holds {@code from}'s bytes, {@code from} is gone. */
    private static void swap(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path file(ObjectKind kind, String id) {
        return vault.resolve(kind.objectName(id));
    }

    // --- what each snapshot uses --------------------------------------------------------------

    private Vault open() {
        return Vault.open(Storages.open(vault.toString()), PASSWORD.toCharArray());
    }

    private static Tree tree(Vault v, MasterIndex index, BlobId id) {
        return v.decodeTree(v.readBlob(index.find(id, BlobType.TREE).orElseThrow()));
    }

    /** Every pack a snapshot uses. */
    private Set<String> packsOf(String snapshot) {
        try (Vault v = open()) {
            MasterIndex index = v.loadIndex();
            Set<String> packs = new HashSet<>();
            List<BlobId> todo = new ArrayList<>(List.of(v.loadSnapshot(snapshot).snapshot().tree()));
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

    /** Where the first chunk of a file of the backed-up directory's top level is. */
    private BlobLocation chunkOf(String snapshot, String file) {
        try (Vault v = open()) {
            MasterIndex index = v.loadIndex();
            Tree top = tree(v, index, v.loadSnapshot(snapshot).snapshot().tree());
            for (Node n : tree(v, index, top.nodes().get(0).subtree()).nodes()) {
                if (new String(n.name(), StandardCharsets.UTF_8).equals(file)) {
                    return index.find(n.content().get(0), BlobType.DATA).orElseThrow();
                }
            }
            throw new AssertionError(file + " is not in snapshot " + snapshot);
        }
    }

    /** Where the top tree of a snapshot is. */
    private BlobLocation topTreeOf(String snapshot) {
        try (Vault v = open()) {
            return v.loadIndex().find(v.loadSnapshot(snapshot).snapshot().tree(), BlobType.TREE).orElseThrow();
        }
    }

    /** The index object that records a pack. */
    private String indexOf(String pack) {
        try (Vault v = open()) {
            for (String name : v.listIndex()) {
                List<BlobLocation> entries = new ArrayList<>();
                v.readIndex(name, entries::add);
                if (entries.stream().anyMatch(l -> l.pack().equals(pack))) {
                    return name.substring(name.indexOf('/') + 1);
                }
            }
            throw new AssertionError("no index object records pack " + pack);
        }
    }

    /** Every pack an index object records. */
    private Set<String> packsIn(String index) {
        try (Vault v = open()) {
            Set<String> packs = new HashSet<>();
            v.readIndex(ObjectKind.INDEX.objectName(index), l -> packs.add(l.pack()));
            return packs;
        }
    }

    private String objectName(Path p) {
        return vault.relativize(p).toString();
    }

    // --- what check and restore say -----------------------------------------------------------

    /** check --json: fails, names every object in {@code damaged}; returns the problems. */
    private JsonNode checkFinds(boolean readData, String... damaged) {
        Cli.Result r = readData ? cli("check", "--read-data", "--json") : cli("check", "--json");
        assertEquals(1, r.code(), "check must fail: " + r);
        JsonNode problems = r.json().get("problems");
        for (String name : damaged) {
            boolean named = false;
            for (JsonNode p : problems) {
                named |= p.get("object").asText().contains(name) || p.get("message").asText().contains(name);
            }
            assertTrue(named, name + " is named: " + problems.toPrettyString());
        }
        return problems;
    }

    /**
     * Some problem says the damage affects {@code path} (relative to the backed-up directory) of
     * {@code snapshot}; null: some path of it (a damaged top tree affects "(the whole snapshot)").
     */
    private static void affects(JsonNode problems, String snapshot, String path) {
        String id = snapshot.substring(0, 8);
        for (JsonNode p : problems) {
            boolean snap = false;
            for (JsonNode s : p.get("snapshots")) {
                snap |= s.asText().equals(id);
            }
            boolean at = false;
            for (JsonNode q : p.get("paths")) {
                at |= path == null ? q.asText().startsWith(id + ":") : q.asText().equals(id + ":" + path);
            }
            if (snap && at) {
                return;
            }
        }
        throw new AssertionError("no problem names snapshot " + id + (path == null ? "" : " and " + path) + ": "
                + problems.toPrettyString());
    }

    private static void affectsNot(JsonNode problems, String snapshot) {
        assertFalse(problems.toString().contains(snapshot.substring(0, 8)), snapshot + " is not affected: "
                + problems.toPrettyString());
    }

    /** The snapshot restores byte for byte. */
    private void restoresExactly(String snapshot, String src) throws IOException {
        Path target = tmp.resolve("restored-" + snapshot.substring(0, 8));
        Cli.Result r = cli("restore", snapshot, "--target", target);
        assertEquals(0, r.code(), r.toString());
        TreeAssert.assertSameTree(base.resolve(src), target);
    }

    /**
     * The snapshot restores byte for byte while an index object is damaged: the restore skips it with
     * a warning, and then exits 1 with one line naming it (the vault is damaged) all the same.
     */
    private void restoresExactlyDespite(String snapshot, String src, String damagedIndex) throws IOException {
        Path target = tmp.resolve("restored-" + snapshot.substring(0, 8));
        Cli.Result r = cli("restore", snapshot, "--target", target);
        assertOneLineError(r, "index/" + damagedIndex, "restored what the rest of the vault holds");
        assertTrue(r.err().contains("warning: skipping a damaged index object: index object index/" + damagedIndex),
                r.toString());
        TreeAssert.assertSameTree(base.resolve(src), target);
    }

    /** The damaged snapshot's restore fails with one line naming what it could not restore. */
    private void restoreFailsNaming(String snapshot, String... names) {
        Cli.Result r = cli("restore", snapshot, "--target", tmp.resolve("damaged-" + snapshot.substring(0, 8)));
        assertNotEquals(0, r.code(), r.toString());
        for (String n : names) {
            assertTrue(r.err().contains(n), n + " is named: " + r);
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    // --- packs ------------------------------------------------------------------------------

    @Test
    void aFlippedPackIsNamedWithTheFileItHoldsAndTheOtherSnapshotsRestore() throws IOException {
        BlobLocation loc = chunkOf(snapB, "three.bin");
        Path pack = file(ObjectKind.PACK, loc.pack());
        flip(pack, loc.offset() + loc.length() / 2);
        JsonNode problems = checkFinds(true, objectName(pack));
        affects(problems, snapB, "three.bin");
        affectsNot(problems, snapA);
        affectsNot(problems, snapC);
        restoresExactly(snapA, "src-a");
        restoresExactly(snapC, "src-c");
        restoreFailsNaming(snapB, "three.bin", loc.pack());
        // the damaged snapshot restores what it can: the file whose blobs are sound, byte for byte
        assertArrayEquals(Files.readAllBytes(base.resolve("src-b/sub/four.bin")),
                Files.readAllBytes(tmp.resolve("damaged-" + snapB.substring(0, 8)).resolve("sub/four.bin")));
    }

    @Test
    void aTruncatedPackIsNamedWithoutReadingData() throws IOException {
        BlobLocation loc = chunkOf(snapB, "three.bin");
        Path pack = file(ObjectKind.PACK, loc.pack());
        truncate(pack);
        JsonNode problems = checkFinds(false, objectName(pack));
        affects(problems, snapB, "three.bin");
        affectsNot(problems, snapA);
        restoresExactly(snapA, "src-a");
        restoresExactly(snapC, "src-c");
    }

    @Test
    void aPackRenamedOverAnotherNamesBothAndTheirSnapshots() throws IOException {
        BlobLocation three = chunkOf(snapB, "three.bin");
        BlobLocation five = chunkOf(snapC, "five.bin");
        assertFalse(packsOf(snapA).contains(three.pack()) || packsOf(snapA).contains(five.pack()));
        Path b = file(ObjectKind.PACK, three.pack());
        Path c = file(ObjectKind.PACK, five.pack());
        swap(c, b);
        JsonNode problems = checkFinds(false, objectName(b), objectName(c));
        affects(problems, snapB, "three.bin");
        affects(problems, snapC, "five.bin");
        affectsNot(problems, snapA);
        restoresExactly(snapA, "src-a");
    }

    // --- trees ------------------------------------------------------------------------------

    @Test
    void aFlippedTreeIsNamedWithItsSnapshot() throws IOException {
        BlobLocation top = topTreeOf(snapB);
        assertFalse(packsOf(snapA).contains(top.pack()) || packsOf(snapC).contains(top.pack()));
        flip(file(ObjectKind.PACK, top.pack()), top.offset() + top.length() / 2);
        JsonNode problems = checkFinds(false, top.id().hex());
        affects(problems, snapB, null);
        affectsNot(problems, snapA);
        affectsNot(problems, snapC);
        restoresExactly(snapA, "src-a");
        restoresExactly(snapC, "src-c");
        restoreFailsNaming(snapB, top.id().hex());
    }

    // --- index objects ----------------------------------------------------------------------

    /** The index object that records snapshot B's first chunk, checked to record none of A's packs. */
    private String indexOfB() {
        String index = indexOf(chunkOf(snapB, "three.bin").pack());
        Set<String> shared = new HashSet<>(packsIn(index));
        shared.retainAll(packsOf(snapA));
        assertEquals(Set.of(), shared, "the damaged index object records none of snapshot A's packs");
        return index;
    }

    @Test
    void aFlippedIndexObjectIsNamedWithTheSnapshotsItRecords() throws IOException {
        String index = indexOfB();
        Path object = file(ObjectKind.INDEX, index);
        flip(object, Files.size(object) / 2);
        JsonNode problems = checkFinds(false, "index/" + index);
        affects(problems, snapB, null);
        affectsNot(problems, snapA);
        restoresExactlyDespite(snapA, "src-a", index);
    }

    @Test
    void aTruncatedIndexObjectIsNamedWithTheSnapshotsItRecords() throws IOException {
        String index = indexOfB();
        truncate(file(ObjectKind.INDEX, index));
        JsonNode problems = checkFinds(false, "index/" + index);
        affects(problems, snapB, null);
        affectsNot(problems, snapA);
        restoresExactlyDespite(snapA, "src-a", index);
    }

    @Test
    void anIndexObjectRenamedOverAnotherIsNamed() throws IOException {
        String b = indexOfB();
        String c = indexOf(chunkOf(snapC, "five.bin").pack());
        assertNotEquals(b, c);
        swap(file(ObjectKind.INDEX, c), file(ObjectKind.INDEX, b));
        JsonNode problems = checkFinds(false, "index/" + b);
        affects(problems, snapB, null);
        affects(problems, snapC, null);
        affectsNot(problems, snapA);
        restoresExactlyDespite(snapA, "src-a", b);
    }

    // --- snapshots --------------------------------------------------------------------------

    @Test
    void aFlippedSnapshotIsNamedAndTheOthersRestore() throws IOException {
        Path object = file(ObjectKind.SNAPSHOT, snapB);
        flip(object, Files.size(object) / 2);
        checkFinds(false, "snapshots/" + snapB);
        restoresExactly(snapA, "src-a");
        restoresExactly(snapC, "src-c");
        restoreFailsNaming(snapB, "snapshots/" + snapB);
    }

    @Test
    void aTruncatedSnapshotIsNamedAndTheOthersRestore() throws IOException {
        truncate(file(ObjectKind.SNAPSHOT, snapB));
        checkFinds(false, "snapshots/" + snapB);
        restoresExactly(snapA, "src-a");
        restoresExactly(snapC, "src-c");
    }

    @Test
    void aSnapshotRenamedOverAnotherIsNamed() throws IOException {
        swap(file(ObjectKind.SNAPSHOT, snapC), file(ObjectKind.SNAPSHOT, snapB));
        checkFinds(false, "snapshots/" + snapB);
        restoresExactly(snapA, "src-a");
    }

    // --- keys and config --------------------------------------------------------------------

    /** A second key, under another password; returns its id. */
    private String secondKey() throws IOException {
        Set<String> before = keys();
        Path other = Files.writeString(tmp.resolve("other-password"), "another password\n");
        Cli.Result r = cli("key", "add", "--new-password-file", other);
        assertEquals(0, r.code(), r.toString());
        Set<String> after = keys();
        after.removeAll(before);
        assertEquals(1, after.size(), after.toString());
        return after.iterator().next();
    }

    private Set<String> keys() {
        try (Vault v = open()) {
            Set<String> ids = new HashSet<>();
            for (VaultObject k : v.list(ObjectKind.KEY).objects()) {
                ids.add(k.id());
            }
            return ids;
        }
    }

    @Test
    void aDamagedKeyObjectIsNamedWhileTheVaultOpensWithAnotherKey() throws IOException {
        String key = secondKey();
        Path object = file(ObjectKind.KEY, key);
        flip(object, Files.size(object) - 20); // inside the sealed master key
        JsonNode problems = checkFinds(false, "keys/" + key);
        assertEquals(1, problems.size(), problems.toPrettyString());
        restoresExactly(snapB, "src-b");

        Path first = null;
        for (String k : keys()) {
            if (!k.equals(key)) {
                first = file(ObjectKind.KEY, k);
            }
        }
        Files.write(object, Files.readAllBytes(first)); // a key object copied over another
        checkFinds(false, "keys/" + key);
    }

    @Test
    void aDamagedConfigIsOneLineNamingIt() throws IOException {
        Path config = vault.resolve("config");
        flip(config, Files.size(config) - 5);
        assertOneLineError(cli("check"), "config");
        assertOneLineError(cli("restore", snapA, "--target", tmp.resolve("x")), "config");
    }
}
