package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactIndexTest {
    @Test
    void findsEveryEntryAgainstAReferenceMap() {
        Random r = new Random(1);
        int n = 200_000;
        byte[] ids = new byte[32 * n];
        r.nextBytes(ids);
        // some ids differ only in their last byte, some repeat, some repeat with the other type
        for (int i = 1000; i < 2000; i++) {
            System.arraycopy(ids, 0, ids, 32 * i, 31);
        }
        for (int i = 3000; i < 3100; i++) {
            System.arraycopy(ids, 32 * (i - 100), ids, 32 * i, 32);
        }
        CompactIndex.Builder b = new CompactIndex.Builder(n);
        Map<String, BlobLocation> first = new HashMap<>();
        String[] packs = new String[50];
        for (int p = 0; p < packs.length; p++) {
            packs[p] = String.format("%064x", p * 7919L);
        }
        for (int i = 0; i < n; i++) {
            byte type = (byte) (i >= 3050 && i < 3100 ? 1 : 0);
            String pack = packs[i % packs.length];
            int offset = i * 1000 + (i % 3 == 0 ? Integer.MIN_VALUE : 0);
            b.add(b.pack(pack), type, ids, 32 * i, offset, 100 + i, 1000 + i);
            BlobId id = BlobId.of(ids, 32 * i);
            BlobType t = type == 1 ? BlobType.TREE : BlobType.DATA;
            first.putIfAbsent(id + "/" + t, new BlobLocation(id, t, pack, Integer.toUnsignedLong(offset), 100 + i,
                    1000 + i));
        }
        CompactIndex index = b.build(List.of("index/x"));
        assertEquals(first.size(), index.size());
        assertEquals(n, index.entries());
        for (BlobLocation want : first.values()) {
            assertEquals(want, index.find(want.id(), want.type()).orElseThrow());
            assertEquals(want.id(), index.find(want.id()).orElseThrow().id());
        }
        int[] count = {0};
        index.forEach(l -> {
            count[0]++;
            assertTrue(first.containsKey(l.id() + "/" + l.type()));
        });
        assertEquals(n, count[0]);
        for (int i = 0; i < 1000; i++) {
            byte[] absent = new byte[32];
            r.nextBytes(absent);
            assertTrue(index.find(BlobId.of(absent)).isEmpty());
        }
        BlobId treeAndData = BlobId.of(ids, 32 * 3050);
        assertEquals(BlobType.DATA, index.find(treeAndData).orElseThrow().type());
        assertEquals(BlobType.TREE, index.find(treeAndData, BlobType.TREE).orElseThrow().type());
        assertTrue(index.find(BlobId.of(ids, 32 * 3099), BlobType.TREE).isPresent());
    }

    @Test
    void emptyIndex() {
        CompactIndex index = new CompactIndex.Builder(0).build(List.of());
        assertEquals(0, index.size());
        assertTrue(index.find(BlobId.of(new byte[32])).isEmpty());
    }
}
