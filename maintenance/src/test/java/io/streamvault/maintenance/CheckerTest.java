package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.maintenance.Checker.Options;
import io.streamvault.maintenance.Checker.Problem;
import io.streamvault.maintenance.Checker.Result;
import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.VaultObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Checker} on a real vault of two snapshots, damaged through its storage one way at a time.
 * Snapshot A keeps its data and trees in one pack; snapshot B its file data in one pack and its trees
 * in another, as the pipeline stores them, so that damage to B's data is named by file path.
 */
class CheckerTest {
    private static final long T = 1_700_000_000_000_000_000L;
    private static final Options STRUCTURE = new Options(0, 2, 1);
    private static final Options READ_ALL = new Options(1, 2, 1);

    @TempDir
    Path tmp;
    private TestVault tv;
    private String snapA;
    private String snapB;
    private List<BlobId> three;
    private List<BlobId> four;
    private BlobId subTreeOfB;
    private long dataBytes;
    private int dataBlobs;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<BlobId> content(Random rnd, int size) {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        dataBytes += size;
        List<BlobId> ids = tv.content(data);
        dataBlobs += ids.size();
        return ids;
    }

    @BeforeEach
    void twoSnapshots() {
        tv = TestVault.create(tmp.resolve("vault"), 16 << 10);
        Random rnd = new Random(5);
        BlobId rootA = tv.tree(List.of(
                TestVault.file(b("one.bin"), content(rnd, 70_000), 70_000, T),
                TestVault.file(b("two.txt"), content(rnd, 100), 100, T)));
        snapA = tv.snapshot(tv.tree(List.of(TestVault.dir(b("src-a"), rootA, T))), b("/data/src-a"), "h");

        three = content(rnd, 50_000);
        four = content(rnd, 20_000);
        tv.flush();
        subTreeOfB = tv.tree(List.of(TestVault.file(b("four.bin"), four, 20_000, T)));
        BlobId rootB = tv.tree(List.of(
                TestVault.dir(b("sub"), subTreeOfB, T),
                TestVault.file(b("three.bin"), three, 50_000, T)));
        snapB = tv.snapshot(tv.tree(List.of(TestVault.dir(b("src-b"), rootB, T))), b("/data/src-b"), "h");
    }

    @AfterEach
    void close() {
        tv.close();
    }

    private Result check(Options options) {
        return new Checker(tv.vault, options).run((phase, done, total, bytesRead) -> { });
    }

    private BlobLocation where(BlobId id, BlobType type) {
        return tv.vault.loadIndex().find(id, type).orElseThrow();
    }

    /** Stores other bytes under an object's name (objects are create-only: delete, then put). */
    private void replace(String name, byte[] bytes) {
        tv.storage.delete(name);
        assertTrue(tv.storage.putIfAbsent(name, bytes));
    }

    private void flipByteOf(BlobLocation blob) {
        String name = ObjectKind.PACK.objectName(blob.pack());
        byte[] bytes = tv.storage.get(name);
        bytes[(int) (blob.offset() + blob.length() / 2)] ^= 0x10;
        replace(name, bytes);
    }

    private static String shortId(String snapshot) {
        return snapshot.substring(0, 8);
    }

    private static Problem only(Result r) {
        assertEquals(1, r.problems().size(), r.problems().toString());
        return r.problems().get(0);
    }

    @Test
    void aSoundVaultChecksCleanWithAndWithoutReadingData() {
        Result plain = check(STRUCTURE);
        assertTrue(plain.ok(), plain.toString());
        assertEquals(List.of(), plain.problems());
        assertEquals(2, plain.snapshots());
        assertEquals(2, plain.indexObjects());
        assertEquals(3, plain.packs());
        assertEquals(5, plain.trees()); // A: top, src-a; B: top, src-b, sub
        assertEquals(dataBlobs, plain.dataBlobs());
        assertEquals(0, plain.packsRead());
        assertEquals(0, plain.blobsRead());

        Result data = check(READ_ALL);
        assertTrue(data.ok(), data.toString());
        assertEquals(List.of(), data.problems());
        assertEquals(3, data.packsRead());
        assertEquals(dataBlobs + 5, data.blobsRead());
        assertTrue(data.bytesRead() > dataBytes, "all data was read: " + data);

        Result share = check(new Options(0.01, 2, 1));
        assertTrue(share.ok(), share.toString());
        assertEquals(1, share.packsRead(), "a share reads at least one pack: " + share);
    }

    @Test
    void packsRecordedByTwoIndexObjectsCheckCleanAndCountOnce() {
        // as rebuild-index leaves them after a crash between a pack's index object and its own
        List<PackInfo> again = new ArrayList<>();
        for (VaultObject pack : tv.vault.list(ObjectKind.PACK).objects()) {
            again.add(new PackInfo(pack.id(), pack.size(), tv.vault.readPackHeader(pack.id())));
        }
        tv.vault.writeIndex(again);
        Result r = check(READ_ALL);
        assertTrue(r.ok(), r.toString());
        assertEquals(3, r.indexObjects());
        assertEquals(3, r.packs());
        assertEquals(dataBlobs, r.dataBlobs());
        assertEquals(dataBlobs + 5, r.blobsRead(), "each blob read once: " + r);
    }

    @Test
    void aFlippedByteIsFoundByReadDataNamingThePackTheSnapshotAndThePath() {
        BlobLocation chunk = where(three.get(1), BlobType.DATA);
        flipByteOf(chunk);

        Result plain = check(STRUCTURE);
        assertTrue(plain.ok() && plain.problems().isEmpty(), "without reading data the structure is sound: " + plain);

        Result r = check(READ_ALL);
        assertFalse(r.ok());
        Problem p = only(r);
        assertEquals(Severity.ERROR, p.severity());
        assertEquals("pack", p.kind());
        assertEquals(ObjectKind.PACK.objectName(chunk.pack()), p.object());
        int blobsInPack = three.size() + four.size();
        assertTrue(p.message().startsWith("pack " + chunk.pack() + " (" + p.object() + "): 1 of " + blobsInPack
                + " blobs are corrupt; first: "), p.message());
        assertEquals(List.of(shortId(snapB)), p.snapshots());
        assertEquals(List.of(shortId(snapB) + ":three.bin"), p.paths());
        assertEquals(1, p.pathsTotal());
    }

    @Test
    void aDeletedPackIsAnErrorNamingTheSnapshotAndPathsItAffects() {
        BlobLocation chunk = where(three.get(0), BlobType.DATA);
        String name = ObjectKind.PACK.objectName(chunk.pack());
        tv.storage.delete(name);

        Result r = check(STRUCTURE);
        assertFalse(r.ok());
        Problem p = only(r);
        assertEquals(Severity.ERROR, p.severity());
        assertEquals("pack", p.kind());
        assertEquals(name, p.object());
        assertEquals("pack " + chunk.pack() + " (" + name + ") is missing: the " + (three.size() + four.size())
                + " blobs the index records in it are lost", p.message());
        assertEquals(List.of(shortId(snapB)), p.snapshots());
        assertEquals(Set.of(shortId(snapB) + ":three.bin", shortId(snapB) + ":sub/four.bin"), new HashSet<>(p.paths()));
        assertEquals(2, p.pathsTotal());
    }

    @Test
    void aTruncatedPackIsFoundByTheStructuralCheck() {
        BlobLocation chunk = where(three.get(0), BlobType.DATA);
        String name = ObjectKind.PACK.objectName(chunk.pack());
        byte[] bytes = tv.storage.get(name);
        replace(name, Arrays.copyOf(bytes, bytes.length - 100));

        Result r = check(STRUCTURE);
        assertFalse(r.ok());
        Problem p = only(r);
        assertEquals(Severity.ERROR, p.severity());
        assertEquals(name, p.object());
        assertTrue(p.message().startsWith("pack " + chunk.pack() + " (" + name + ") has " + (bytes.length - 100)
                + " bytes, but its " + (three.size() + four.size()) + " indexed blobs make " + bytes.length), p.message());
        assertTrue(p.message().contains("truncated"), p.message());
        assertEquals(List.of(shortId(snapB)), p.snapshots());
        assertEquals(2, p.pathsTotal(), p.paths().toString());
    }

    @Test
    void aCorruptTreeIsFoundByTheStructuralCheckNamingItsDirectory() {
        BlobLocation tree = where(subTreeOfB, BlobType.TREE);
        flipByteOf(tree);

        Result r = check(STRUCTURE);
        assertFalse(r.ok());
        Problem p = only(r);
        assertEquals("tree", p.kind());
        assertEquals("tree " + subTreeOfB.hex(), p.object());
        assertTrue(p.message().startsWith("tree " + subTreeOfB.hex() + " in pack " + tree.pack() + " cannot be read: "),
                p.message());
        assertEquals(List.of(shortId(snapB)), p.snapshots());
        assertEquals(List.of(shortId(snapB) + ":sub/"), p.paths());
        assertEquals(5, r.trees(), "an unreadable tree is counted too");
    }

    @Test
    void aForeignObjectUnderDataIsAWarning() {
        String name = ObjectKind.PACK.prefix() + "notes.txt";
        assertTrue(tv.storage.putIfAbsent(name, b("not a pack\n")));

        Result r = check(STRUCTURE);
        assertTrue(r.ok(), r.toString());
        assertEquals(0, r.errors());
        assertEquals(1, r.warnings());
        Problem p = only(r);
        assertEquals(Severity.WARNING, p.severity());
        assertEquals("object", p.kind());
        assertEquals(name, p.object());
        assertEquals("object " + name + " under data/ is not a pack name; it is ignored", p.message());
        assertEquals(3, r.packs());
    }

    @Test
    void anUnreadableSnapshotObjectIsAnError() {
        String name = ObjectKind.SNAPSHOT.objectName(snapB);
        byte[] bytes = tv.storage.get(name);
        replace(name, Arrays.copyOf(bytes, bytes.length / 2));

        Result r = check(STRUCTURE);
        assertFalse(r.ok());
        Problem p = only(r);
        assertEquals(Severity.ERROR, p.severity());
        assertEquals("snapshot", p.kind());
        assertEquals(name, p.object());
        assertTrue(p.message().startsWith("snapshot " + name + " cannot be read: "), p.message());
        assertEquals(1, r.snapshots());
        assertEquals(2, r.trees(), "only snapshot A's trees are walked");
    }

    @Test
    void aDamagedIndexObjectIsAnErrorAndItsPacksAreInNoIndex() {
        String packOfA = where(tv.vault.loadSnapshot(snapA).snapshot().tree(), BlobType.TREE).pack();
        String indexOfA = null;
        for (String name : tv.vault.listIndex()) {
            List<String> packs = new ArrayList<>();
            tv.vault.readIndex(name, l -> packs.add(l.pack()));
            if (packs.contains(packOfA)) {
                indexOfA = name;
            }
        }
        assertTrue(indexOfA != null, "an index object records snapshot A's pack");
        replace(indexOfA, b("garbage"));

        Result r = check(STRUCTURE);
        assertFalse(r.ok());
        assertEquals(2, r.errors(), r.problems().toString());
        assertEquals(1, r.warnings(), r.problems().toString());
        assertEquals(2, r.indexObjects());
        assertEquals(2, r.packs(), "only the packs of the readable index object");

        Problem index = r.problems().get(0);
        assertEquals(Severity.ERROR, index.severity());
        assertEquals("index", index.kind());
        assertEquals(indexOfA, index.object());
        assertTrue(index.message().startsWith("index object " + indexOfA + " cannot be read"), index.message());

        BlobId topOfA = tv.vault.loadSnapshot(snapA).snapshot().tree();
        Problem tree = r.problems().get(1);
        assertEquals(Severity.ERROR, tree.severity());
        assertEquals("tree " + topOfA.hex() + " is in no index: the directory it lists is lost", tree.message());
        assertEquals(List.of(shortId(snapA)), tree.snapshots());
        assertEquals(List.of(shortId(snapA) + ":(the whole snapshot)"), tree.paths());

        Problem unindexed = r.problems().get(2);
        assertEquals(Severity.WARNING, unindexed.severity());
        assertEquals(ObjectKind.PACK.objectName(packOfA), unindexed.object());
        assertTrue(unindexed.message().startsWith("pack " + packOfA + " (") && unindexed.message().contains(
                "is in no index"), unindexed.message());
    }
}
