package io.streamvault.common.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChunkHandoffTest {
    private static byte[] id(int i) {
        byte[] b = new byte[32];
        b[0] = (byte) i;
        b[1] = (byte) (i >> 8);
        return b;
    }

    private static byte[] data(int i, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) (i * 7 + 1));
        b[0] = (byte) i;
        return b;
    }

    @Test
    void aChunkIsTakenOnceWithItsBytes() {
        ChunkHandoff h = new ChunkHandoff(1000);
        h.open();
        byte[] buf = new byte[50];
        System.arraycopy(data(1, 30), 0, buf, 10, 30);
        h.offer(id(1), buf, 10, 30);
        byte[] dst = new byte[100];
        assertEquals(30, h.take(id(1), dst));
        assertArrayEquals(data(1, 30), Arrays.copyOf(dst, 30));
        assertEquals(-1, h.take(id(1), dst), "taken once");
        assertEquals(1, h.hits());
        assertEquals(1, h.misses());
    }

    @Test
    void idsThatShareTheirHashBytesAreStillDifferentChunks() {
        ChunkHandoff h = new ChunkHandoff(1000);
        h.open();
        byte[] a = id(5);
        byte[] b = id(5);
        b[31] = 1; // same first bytes (the hash), different id
        h.offer(a, data(1, 20), 0, 20);
        h.offer(b, data(2, 20), 0, 20);
        byte[] dst = new byte[20];
        assertEquals(20, h.take(b, dst));
        assertArrayEquals(data(2, 20), dst);
        assertEquals(20, h.take(a, dst));
        assertArrayEquals(data(1, 20), dst);
    }

    @Test
    void aChunkGoesFromDirectBufferToDirectBuffer() {
        ChunkHandoff h = new ChunkHandoff(1000);
        h.open();
        ByteBuffer buf = ByteBuffer.allocateDirect(100).put(new byte[10]).put(data(2, 30));
        h.offer(id(2), buf, 10, 30);
        buf.put(10, (byte) 99); // the chunker reuses its buffer at once
        ByteBuffer dst = ByteBuffer.allocateDirect(40).position(3).limit(4);
        assertEquals(30, h.take(id(2), dst));
        byte[] got = new byte[30];
        dst.duplicate().clear().get(0, got);
        assertArrayEquals(data(2, 30), got, "taken into a direct buffer, from index 0");
        assertEquals(3, dst.position(), "position not moved");
        assertEquals(40, buf.position(), "position not moved");
        h.offer(id(3), buf, 10, 30);
        assertEquals(-1, h.take(id(3), ByteBuffer.allocateDirect(29)), "too long for the buffer");
    }

    @Test
    void theOldestGoWhenTheRingIsFullAndAroundItsEnd() {
        ChunkHandoff h = new ChunkHandoff(1100);
        h.open();
        for (int i = 0; i < 30; i++) {
            h.offer(id(i), data(i, 300), 0, 300); // three records (337 bytes each) fit; the fourth wraps
        }
        byte[] dst = new byte[300];
        for (int i = 0; i < 27; i++) {
            assertEquals(-1, h.take(id(i), dst), "chunk " + i + " was dropped");
        }
        for (int i = 27; i < 30; i++) {
            assertEquals(300, h.take(id(i), dst), "chunk " + i);
            assertArrayEquals(data(i, 300), dst);
        }
    }

    @Test
    void whatIsKeptIsAlwaysWholeAndRight() {
        ChunkHandoff h = new ChunkHandoff(10_037); // the largest chunk's record: 5 + 32 + 10,000 bytes
        h.open();
        int[] sizes = {4000, 1, 2999, 5000, 17, 4096, 3000, 999, 6000, 10_000, 2, 7000};
        int kept = 0;
        for (int i = 0; i < sizes.length; i++) {
            h.offer(id(i), data(i, sizes[i]), 0, sizes[i]);
            for (int j = 0; j <= i; j++) {
                byte[] dst = new byte[sizes[j]];
                int n = h.take(id(j), dst);
                if (n >= 0) {
                    kept++;
                    assertEquals(sizes[j], n);
                    assertArrayEquals(data(j, sizes[j]), dst, "chunk " + j + " after " + i);
                    h.offer(id(j), dst, 0, n); // back in, as the newest
                }
            }
            byte[] newest = new byte[sizes[i]];
            assertEquals(sizes[i], h.take(id(i), newest), "the newest is always kept");
            h.offer(id(i), newest, 0, sizes[i]);
        }
        assertEquals(true, kept > sizes.length, "older chunks were kept too");
    }

    @Test
    void tinyChunksAreBoundedByCountToo() {
        ChunkHandoff h = new ChunkHandoff(100 * ChunkHandoff.BYTES_PER_ENTRY); // room for 100 entries
        h.open();
        for (int i = 0; i < 250; i++) {
            h.offer(id(i), data(i, 10), 0, 10);
        }
        byte[] dst = new byte[10];
        int kept = 0;
        for (int i = 0; i < 250; i++) {
            if (h.take(id(i), dst) == 10) {
                kept++;
                assertEquals(true, i >= 150, "only the newest are kept: " + i);
            }
        }
        assertEquals(100, kept);
    }

    @Test
    void tinyChunksAreKeptByTheRingsBytesNotByObjects() {
        ChunkHandoff h = new ChunkHandoff(1 << 20);
        h.open();
        for (int i = 0; i < 10_000; i++) { // a small file's chunk: a 101-byte record
            h.offer(id(i), data(i, 64), 0, 64);
        }
        byte[] dst = new byte[64];
        for (int i = 0; i < 10_000; i++) {
            assertEquals(64, h.take(id(i), dst), "chunk " + i);
            assertArrayEquals(data(i, 64), dst);
        }
    }

    /**
     * Random offers and takes against a model: whatever is taken is what was offered under that id,
     * once; the newest offer is always there; nothing outlives a chunk offered after it. Ids share few
     * hash values (entries probe from the same slots, and runs of them cross the table's end), so the
     * index's removals move entries around.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken index can loop forever
    void randomOffersAndTakesMatchAModel() {
        for (int seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            boolean many = seed % 2 == 1; // hundreds of tiny chunks live, or a few large ones
            ChunkHandoff h = new ChunkHandoff(many ? 20_000 + rnd.nextInt(20_000) : 2000 + rnd.nextInt(3000));
            h.open();
            int ids = many ? 2000 : 300;
            int kinds = many ? 256 : 32; // hash values: entries' home slots, the table's end among them
            Map<Integer, Integer> offered = new LinkedHashMap<>(); // id number -> data length, oldest first
            Set<Integer> gone = new HashSet<>();
            int newest = -1;
            int hits = 0;
            for (int step = 0; step < 20_000; step++) {
                int n = rnd.nextInt(ids);
                String at = "seed " + seed + " step " + step + " chunk " + n;
                if (rnd.nextInt(3) > 0) {
                    int len = 1 + rnd.nextInt(many ? 60 : rnd.nextBoolean() ? 40 : 700);
                    if (!offered.containsKey(n)) { // (offers of an id still here: the test below)
                        h.offer(collidingId(n, kinds), data(n, len), 0, len);
                        offered.put(n, len);
                        gone.remove(n);
                        newest = n;
                    }
                    continue;
                }
                byte[] dst = new byte[800];
                int got = h.take(collidingId(n, kinds), dst);
                Integer len = offered.get(n);
                if (got >= 0) {
                    hits++;
                    assertEquals(false, gone.contains(n), "an older chunk outlived a newer one: " + at);
                    assertEquals(len, got, at);
                    assertArrayEquals(data(n, got), Arrays.copyOf(dst, got), at);
                } else if (len != null) {
                    assertEquals(false, n == newest, "the newest is kept: " + at);
                    for (int older : offered.keySet()) { // the oldest go first: all before n are gone too
                        if (older == n) {
                            break;
                        }
                        gone.add(older);
                    }
                }
                if (n == newest) {
                    newest = -1;
                }
                offered.remove(n);
            }
            assertEquals(true, hits > (many ? 500 : 100), "seed " + seed + ": chunks were kept (" + hits + " taken)");
        }
    }

    /** An id whose first four bytes (the index's hash) take only {@code kinds} values. */
    private static byte[] collidingId(int n, int kinds) {
        byte[] b = new byte[32];
        b[0] = (byte) (n % kinds);
        b[20] = (byte) n;
        b[21] = (byte) (n >> 8);
        return b;
    }

    @Test
    void anIdAlreadyHereKeepsItsFirstBytesAndOneEntry() {
        ChunkHandoff h = new ChunkHandoff(1000);
        h.open();
        h.offer(id(1), data(1, 30), 0, 30);
        h.offer(id(1), data(2, 40), 0, 40); // the same chunk in a second file: not kept twice
        byte[] dst = new byte[100];
        assertEquals(30, h.take(id(1), dst));
        assertArrayEquals(data(1, 30), Arrays.copyOf(dst, 30));
        assertEquals(-1, h.take(id(1), dst), "one entry");
        h.offer(id(1), data(3, 20), 0, 20); // taken, then offered again: the new bytes
        assertEquals(20, h.take(id(1), dst));
        assertArrayEquals(data(3, 20), Arrays.copyOf(dst, 20));
    }

    @Test
    void idsOutsideFourTo255BytesAndRecordsLargerThanTheRingAreNotKept() {
        ChunkHandoff h = new ChunkHandoff(100);
        h.open();
        byte[] dst = new byte[100];
        h.offer(new byte[3], data(1, 10), 0, 10);
        assertEquals(-1, h.take(new byte[3], dst), "an id of 3 bytes");
        h.offer(new byte[256], data(1, 10), 0, 10);
        assertEquals(-1, h.take(new byte[256], dst), "an id of 256 bytes");
        h.offer(id(7), data(7, 63), 0, 63); // 5 + 32 + 63 = 100: fits exactly
        assertEquals(63, h.take(id(7), dst));
        h.offer(id(8), data(8, 64), 0, 64);
        assertEquals(-1, h.take(id(8), dst), "a record of 101 bytes in a ring of 100");
    }

    @Test
    void closedTooLargeOrOffTakesNothing() {
        ChunkHandoff h = new ChunkHandoff(100);
        byte[] dst = new byte[200];
        h.offer(id(1), data(1, 10), 0, 10);
        assertEquals(-1, h.take(id(1), dst), "not open");
        h.open();
        h.offer(id(2), data(2, 101), 0, 101);
        assertEquals(-1, h.take(id(2), dst), "larger than the ring");
        h.offer(id(3), data(3, 50), 0, 50);
        assertEquals(-1, h.take(id(3), new byte[49]), "larger than the destination");
        h.close();
        assertEquals(-1, h.take(id(3), dst), "closed");
        ChunkHandoff off = new ChunkHandoff(0);
        off.open();
        off.offer(id(4), data(4, 10), 0, 10);
        assertEquals(-1, off.take(id(4), dst));
    }
}
