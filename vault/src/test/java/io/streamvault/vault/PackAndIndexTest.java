package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.util.Hex;
import io.streamvault.vault.internal.VaultImpl;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PackAndIndexTest extends VaultTestSupport {

    /** Text-like data zstd shrinks. */
    static byte[] compressible(int n, long seed) {
        Random r = new Random(seed);
        String[] words = {"backup ", "vault ", "chunk ", "pack ", "index ", "tree ", "snapshot\n"};
        StringBuilder b = new StringBuilder(n + 16);
        while (b.length() < n) {
            b.append(words[r.nextInt(words.length)]);
        }
        return b.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    EncodedBlob encode(byte[] data) {
        return vault.encode(BlobType.DATA, vault.newHasher().id(data, 0, data.length), data, 0, data.length);
    }

    static BlobLocation location(PackInfo pack, PackEntry e) {
        return new BlobLocation(e.id(), e.type(), pack.id(), e.offset(), e.length(), e.rawLength());
    }

    @Test
    void compressionOnlyWhenItHelps() {
        byte[] text = compressible(100_000, 1);
        EncodedBlob small = encode(text);
        assertTrue(small.data().length < text.length / 2, "text compresses: " + small.data().length);
        assertEquals(text.length, small.rawLength());

        byte[] noise = random(100_000, 2);
        EncodedBlob stored = encode(noise);
        assertEquals(noise.length + 1 + 12 + 16, stored.data().length, "random data is stored as is");

        EncodedBlob empty = encode(new byte[0]);
        assertEquals(1 + 12 + 16, empty.data().length);
    }

    @Test
    void encodeUsesTheGivenRange() {
        byte[] buf = compressible(10_000, 3);
        BlobId id = vault.newHasher().id(buf, 100, 5000);
        EncodedBlob b = vault.encode(BlobType.DATA, id, buf, 100, 5000);
        PackBuilder p = vault.newPack();
        p.add(b);
        PackInfo info = vault.writePack(p);
        assertArrayEquals(Arrays.copyOfRange(buf, 100, 5100), vault.readBlob(location(info, info.entries().get(0))));
    }

    @Test
    void manyBlobsThroughPacksAndIndex() {
        Random r = new Random(42);
        Map<BlobId, byte[]> originals = new HashMap<>();
        List<PackInfo> packs = new ArrayList<>();
        List<String> indexes = new ArrayList<>();
        PackBuilder pack = vault.newPack();
        for (int i = 0; i < 300; i++) {
            int size = i == 0 ? 0 : r.nextInt(150_000);
            byte[] data = i % 2 == 0 ? compressible(size, i) : random(size, i);
            EncodedBlob b = encode(data);
            originals.put(b.id(), data);
            pack.add(b);
            if (pack.size() > 2 << 20) {
                packs.add(vault.writePack(pack));
                pack = vault.newPack();
                if (packs.size() % 3 == 0) {
                    indexes.add(vault.writeIndex(packs.subList(packs.size() - 3, packs.size())));
                }
            }
        }
        packs.add(vault.writePack(pack));
        indexes.add(vault.writeIndex(packs.subList(3 * (indexes.size()), packs.size())));
        assertEquals(packs.size(), storage.list("data/").size());
        for (PackInfo p : packs) {
            assertEquals(p.size(), storage.stat("data/" + p.id().substring(0, 2) + "/" + p.id()).orElseThrow().size());
        }

        MasterIndex index = vault.loadIndex();
        assertEquals(originals.size(), index.size());
        assertEquals(indexes.stream().sorted().toList(), List.copyOf(index.indexObjects()));
        for (Map.Entry<BlobId, byte[]> e : originals.entrySet()) {
            BlobLocation loc = index.find(e.getKey()).orElseThrow();
            assertEquals(BlobType.DATA, loc.type());
            assertEquals(e.getValue().length, loc.rawLength());
            assertArrayEquals(e.getValue(), vault.readBlob(loc));
        }
        int[] seen = {0};
        index.forEach(l -> seen[0]++);
        assertEquals(originals.size(), seen[0]);
        assertTrue(index.find(BlobId.of(new byte[32])).isEmpty());
        assertTrue(index.find(originals.keySet().iterator().next(), BlobType.TREE).isEmpty());
    }

    @Test
    void packIdIsTheHashOfItsBytesAndHeaderListsItsBlobs() throws Exception {
        PackBuilder pack = vault.newPack();
        for (int i = 0; i < 5; i++) {
            pack.add(encode(compressible(1000 * (i + 1), i)));
        }
        byte[] tree = vault.encodeTree(new Tree(List.of()));
        pack.add(vault.encode(BlobType.TREE, vault.newHasher().id(tree, 0, tree.length), tree, 0, tree.length));
        PackInfo info = vault.writePack(pack);
        byte[] bytes = read("data/" + info.id().substring(0, 2) + "/" + info.id());
        assertEquals(info.id(), Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertEquals(bytes.length, info.size());
        List<PackEntry> header = ((VaultImpl) vault).readPackHeader(info.id());
        assertEquals(info.entries(), header);
        assertEquals(BlobType.TREE, header.get(5).type());
        long offset = 0;
        for (PackEntry e : header) {
            assertEquals(offset, e.offset());
            offset += e.length();
        }
    }

    /**
     * Blobs encoded straight into a pack, mixed with encoded ones, past the pooled block's 24 MiB
     * (so the pack's memory grows): every blob reads back, the id is the hash of the stored bytes.
     */
    @Test
    void blobsEncodedIntoThePackAndALargePack() throws Exception {
        PackBuilder pack = vault.newPack();
        Random rnd = new Random(12);
        List<byte[]> datas = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            byte[] data = i % 3 == 0 ? compressible(700_000 + i, i) : new byte[(3 << 20) + i * 4099];
            if (i % 3 != 0) {
                rnd.nextBytes(data);
            }
            datas.add(data);
            BlobId id = vault.newHasher().id(data, 0, data.length);
            long offset = i % 2 == 0 ? pack.add(BlobType.DATA, id, data, 0, data.length)
                    : pack.add(vault.encode(BlobType.DATA, id, data, 0, data.length));
            assertEquals(i + 1, pack.count());
            long size = pack.size();
            byte[] shifted = new byte[data.length + 20];
            System.arraycopy(data, 0, shifted, 7, data.length);
            assertEquals(offset, pack.add(BlobType.DATA, id, shifted, 7, data.length), "the same blob is not added twice");
            assertEquals(size, pack.size());
        }
        assertTrue(pack.size() > 24 << 20, "the pack outgrew one pooled block of memory");
        PackInfo info = vault.writePack(pack);
        byte[] bytes = read("data/" + info.id().substring(0, 2) + "/" + info.id());
        assertEquals(info.id(), Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertEquals(bytes.length, info.size());
        for (int i = 0; i < datas.size(); i++) {
            assertArrayEquals(datas.get(i), vault.readBlob(location(info, info.entries().get(i))), "blob " + i);
        }
        assertTrue(info.entries().get(0).length() < datas.get(0).length, "compressible data was compressed");
    }

    /** From a direct buffer, as the uploader adds them: the same records as from an array, read back equal. */
    @Test
    void blobsAddedFromADirectBuffer() {
        List<byte[]> datas = List.of(compressible(700_001, 1), random(1 << 20, 2), compressible(100, 3), new byte[1],
                new byte[0], random(200_000, 4), mixed(300_000));
        ByteBuffer direct = ByteBuffer.allocateDirect(2 << 20);
        PackBuilder fromBuffer = vault.newPack();
        PackBuilder fromArray = vault.newPack();
        for (byte[] data : datas) {
            BlobId id = vault.newHasher().id(data, 0, data.length);
            direct.clear().position(11);
            direct.put(data).position(5); // the bytes at 11.., position and limit elsewhere
            assertEquals(id, vault.newHasher().id(direct, 11, data.length));
            fromBuffer.add(BlobType.DATA, id, direct, 11, data.length);
            fromArray.add(BlobType.DATA, id, data, 0, data.length);
            assertEquals(5, direct.position(), "position not moved");
        }
        PackInfo info = vault.writePack(fromBuffer);
        PackInfo same = vault.writePack(fromArray);
        for (int i = 0; i < datas.size(); i++) {
            PackEntry e = info.entries().get(i);
            assertEquals(same.entries().get(i).length(), e.length(), "blob " + i + ": the same record length");
            assertArrayEquals(datas.get(i), vault.readBlob(location(info, e)), "blob " + i);
        }
        assertTrue(info.entries().get(0).length() < 700_001 / 2, "compressible data was compressed");
        assertEquals((1 << 20) + 1 + 12 + 16, info.entries().get(1).length(), "random data is stored as is");
    }

    /** Random with text in the middle: the samples must find it. */
    static byte[] mixed(int n) {
        byte[] b = random(n, 9);
        byte[] text = compressible(n / 3, 9);
        System.arraycopy(text, 0, b, n / 3, text.length);
        return b;
    }

    @Test
    void builderDeduplicatesAndSealsOnce() {
        byte[] data = compressible(5000, 9);
        EncodedBlob b = encode(data);
        PackBuilder pack = vault.newPack();
        assertFalse(pack.contains(b.id()));
        assertEquals(0, pack.add(b));
        long size = pack.size();
        assertTrue(pack.contains(b.id()));
        assertEquals(0, pack.add(encode(data)), "the same blob again is not added twice");
        assertEquals(size, pack.size());
        assertEquals(1, pack.count());
        PackInfo first = vault.writePack(pack);
        assertEquals(first, vault.writePack(pack), "writing again returns the same pack");
        assertEquals(1, storage.list("data/").size());
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> pack.add(encode(compressible(10, 1))));
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> vault.writePack(vault.newPack()), "empty");
    }

    @Test
    void concurrentEncodes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Object[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ChunkHasher h = vault.newHasher();
                    List<Object[]> out = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        byte[] d = i % 2 == 0 ? compressible(20_000 + i, thread * 1000 + i) : random(20_000, i);
                        out.add(new Object[] {d, vault.encode(BlobType.DATA, h.id(d, 0, d.length), d, 0, d.length)});
                    }
                    return out;
                }));
            }
            PackBuilder pack = vault.newPack();
            List<byte[]> datas = new ArrayList<>();
            for (Future<List<Object[]>> f : futures) {
                for (Object[] pair : f.get()) {
                    if (!pack.contains(((EncodedBlob) pair[1]).id())) {
                        pack.add((EncodedBlob) pair[1]);
                        datas.add((byte[]) pair[0]);
                    }
                }
            }
            PackInfo info = vault.writePack(pack);
            for (int i = 0; i < datas.size(); i++) {
                assertArrayEquals(datas.get(i), vault.readBlob(location(info, info.entries().get(i))));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void flippedByteInAPackSpoilsOnlyThatBlob() {
        PackBuilder a = vault.newPack();
        PackBuilder b = vault.newPack();
        List<byte[]> dataA = new ArrayList<>();
        List<byte[]> dataB = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] d = compressible(30_000, i);
            dataA.add(d);
            a.add(encode(d));
            byte[] e = random(30_000, 100 + i);
            dataB.add(e);
            b.add(encode(e));
        }
        PackInfo pa = vault.writePack(a);
        PackInfo pb = vault.writePack(b);
        vault.writeIndex(List.of(pa, pb));

        String name = "data/" + pa.id().substring(0, 2) + "/" + pa.id();
        byte[] bytes = read(name);
        PackEntry victim = pa.entries().get(2);
        bytes[(int) victim.offset() + victim.length() / 2] ^= 0x40;
        overwrite(name, bytes);

        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.readBlob(location(pa, victim)), pa.id(), victim.id().hex());
        MasterIndex index = vault.loadIndex();
        for (int i = 0; i < 4; i++) {
            if (i != 2) {
                assertArrayEquals(dataA.get(i), vault.readBlob(index.find(pa.entries().get(i).id()).orElseThrow()));
            }
            assertArrayEquals(dataB.get(i), vault.readBlob(index.find(pb.entries().get(i).id()).orElseThrow()));
        }
    }

    @Test
    void wrongTypeWrongIdTruncatedAndMissingPacks() {
        PackBuilder p = vault.newPack();
        byte[] d1 = compressible(10_000, 1);
        byte[] d2 = random(10_000, 2);
        p.add(encode(d1));
        p.add(encode(d2));
        PackInfo info = vault.writePack(p);
        PackEntry e1 = info.entries().get(0);
        PackEntry e2 = info.entries().get(1);

        BlobLocation asTree = new BlobLocation(e1.id(), BlobType.TREE, info.id(), e1.offset(), e1.length(),
                e1.rawLength());
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.readBlob(asTree), info.id(), "authentication");

        BlobLocation swapped = new BlobLocation(e2.id(), BlobType.DATA, info.id(), e1.offset(), e1.length(),
                e2.rawLength());
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.readBlob(swapped), info.id(), e2.id().hex());

        String name = "data/" + info.id().substring(0, 2) + "/" + info.id();
        byte[] bytes = read(name);
        overwrite(name, Arrays.copyOf(bytes, (int) e2.offset() + 100));
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.readBlob(location(info, e2)), info.id(), e2.id().hex());
        assertArrayEquals(d1, vault.readBlob(location(info, e1)));

        storage.delete(name);
        assertFails(ErrorCode.OBJECT_NOT_FOUND, () -> vault.readBlob(location(info, e1)), info.id());
    }

    @Test
    void sameBlobInTwoPacksCountsOnce() {
        byte[] d = compressible(1000, 5);
        PackBuilder a = vault.newPack();
        a.add(encode(d));
        PackBuilder b = vault.newPack();
        b.add(encode(d));
        b.add(encode(compressible(1000, 6)));
        PackInfo pa = vault.writePack(a);
        PackInfo pb = vault.writePack(b);
        assertNotEquals(pa.id(), pb.id());
        vault.writeIndex(List.of(pa));
        vault.writeIndex(List.of(pb));
        MasterIndex index = vault.loadIndex();
        assertEquals(2, index.size());
        List<BlobLocation> all = new ArrayList<>();
        index.forEach(all::add);
        assertEquals(3, all.size());
        assertArrayEquals(d, vault.readBlob(index.find(pa.entries().get(0).id()).orElseThrow()));
    }

    @Test
    void damagedIndexObjects() throws Exception {
        PackBuilder p = vault.newPack();
        p.add(encode(compressible(1000, 1)));
        String good = vault.writeIndex(List.of(vault.writePack(p)));
        byte[] bytes = read(good);

        // truncated: no longer matches its name
        overwrite(good, Arrays.copyOf(bytes, bytes.length - 3));
        assertFails(ErrorCode.CORRUPT_OBJECT, vault::loadIndex, good);
        overwrite(good, bytes);
        assertEquals(1, vault.loadIndex().size());

        // garbage stored under its own hash: authentication fails
        byte[] garbage = random(500, 7);
        String name = "index/" + Hex.of(MessageDigest.getInstance("SHA-256").digest(garbage));
        storage.putIfAbsent(name, garbage);
        assertFails(ErrorCode.CORRUPT_OBJECT, vault::loadIndex, name, "authentication");
        storage.delete(name);

        // too short to be sealed at all
        byte[] tiny = {1, 2, 3};
        String tinyName = "index/" + Hex.of(MessageDigest.getInstance("SHA-256").digest(tiny));
        storage.putIfAbsent(tinyName, tiny);
        assertFails(ErrorCode.CORRUPT_OBJECT, vault::loadIndex, tinyName);
        storage.delete(tinyName);

        storage.putIfAbsent("index/not-a-hash", bytes);
        assertFails(ErrorCode.CORRUPT_OBJECT, vault::loadIndex, "index/not-a-hash");
    }

    @Test
    void aLenientLoadSkipsDamagedIndexObjectsNamingEach() throws Exception {
        PackBuilder p1 = vault.newPack();
        byte[] d1 = compressible(1000, 1);
        p1.add(encode(d1));
        vault.writeIndex(List.of(vault.writePack(p1)));
        PackBuilder p2 = vault.newPack();
        p2.add(encode(compressible(1000, 2)));
        String second = vault.writeIndex(List.of(vault.writePack(p2)));
        byte[] bytes = read(second);
        overwrite(second, Arrays.copyOf(bytes, bytes.length - 3));
        byte[] garbage = random(500, 7);
        String planted = "index/" + Hex.of(MessageDigest.getInstance("SHA-256").digest(garbage));
        storage.putIfAbsent(planted, garbage);

        assertFails(ErrorCode.CORRUPT_OBJECT, vault::loadIndex);
        List<StreamVaultException> damaged = new ArrayList<>();
        MasterIndex index = vault.loadIndex(damaged::add);
        assertEquals(1, index.size(), "the sound index object is loaded");
        assertArrayEquals(d1, vault.readBlob(index.find(vault.newHasher().id(d1, 0, d1.length)).orElseThrow()));
        assertEquals(2, damaged.size());
        String named = damaged.get(0).getMessage() + " " + damaged.get(1).getMessage();
        assertTrue(named.contains(second) && named.contains(planted), named);
        damaged.forEach(e -> assertEquals(ErrorCode.CORRUPT_OBJECT, e.code()));
        assertEquals(new HashSet<>(vault.listIndex()), new HashSet<>(index.indexObjects()),
                "the skipped objects were seen: no reload for them");
    }

    @Test
    void idsAreKeyedPerVault() {
        byte[] data = "the same content".getBytes(StandardCharsets.UTF_8);
        BlobId mine = vault.newHasher().id(data, 0, data.length);
        assertEquals(mine, vault.newHasher().id(data, 0, data.length));
        try (Vault other = Vault.init(Storages.open(dir.resolve("other").toString()), PASSWORD, FAST)) {
            assertNotEquals(mine, other.newHasher().id(data, 0, data.length));
        }
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertNotEquals(BlobId.of(sha), mine, "ids are keyed, not plain SHA-256");
    }
}
