package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} backend must do. A backend's test extends this class and returns a
 * fresh, empty storage from {@link #newStorage()}; it is closed after each test.
 */
public abstract class StorageContract {
    protected Storage storage;

    /** A fresh storage with no objects. */
    protected abstract Storage newStorage() throws Exception;

    @BeforeEach
    public void openStorage() throws Exception {
        storage = newStorage();
    }

    @AfterEach
    public void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertCode(ErrorCode code, StreamVaultException e) {
        assertEquals(code, e.code(), () -> "wrong code for: " + e.getMessage());
    }

    @Test
    public void putIfAbsentCreatesOnceAndNeverReplaces() {
        assertTrue(storage.putIfAbsent("keys/abc", bytes("first")));
        assertFalse(storage.putIfAbsent("keys/abc", bytes("second, longer")));
        assertArrayEquals(bytes("first"), storage.get("keys/abc"));
    }

    @Test
    public void getReturnsWholeObject() {
        byte[] data = random(100_003, 1);
        storage.putIfAbsent("data/ab/abcdef", data);
        assertArrayEquals(data, storage.get("data/ab/abcdef"));
    }

    @Test
    public void emptyObject() {
        assertTrue(storage.putIfAbsent("index/empty", new byte[0]));
        assertEquals(0, storage.get("index/empty").length);
        assertEquals(0, storage.stat("index/empty").orElseThrow().size());
    }

    @Test
    public void rangedGet() {
        byte[] data = random(10_000, 2);
        storage.putIfAbsent("data/00/pack", data);
        assertArrayEquals(Arrays.copyOfRange(data, 0, 10), storage.get("data/00/pack", 0, 10));
        assertArrayEquals(Arrays.copyOfRange(data, 1234, 5678), storage.get("data/00/pack", 1234, 5678 - 1234));
        assertArrayEquals(Arrays.copyOfRange(data, 9_990, 10_000), storage.get("data/00/pack", 9_990, 10));
        assertEquals(0, storage.get("data/00/pack", 10_000, 0).length);
    }

    @Test
    public void rangedGetBeyondTheEndIsCorrupt() {
        storage.putIfAbsent("data/00/pack", random(100, 3));
        StreamVaultException e = assertThrows(StreamVaultException.class, () -> storage.get("data/00/pack", 90, 11));
        assertCode(ErrorCode.CORRUPT_OBJECT, e);
        assertTrue(e.getMessage().contains("data/00/pack"), e.getMessage());
        e = assertThrows(StreamVaultException.class, () -> storage.get("data/00/pack", 1000, 1));
        assertCode(ErrorCode.CORRUPT_OBJECT, e);
    }

    @Test
    public void missingObjectErrorsNameTheObject() {
        StreamVaultException e = assertThrows(StreamVaultException.class, () -> storage.get("snapshots/nothere"));
        assertCode(ErrorCode.OBJECT_NOT_FOUND, e);
        assertTrue(e.getMessage().contains("snapshots/nothere"), e.getMessage());
        assertTrue(e.getMessage().contains(storage.location()), e.getMessage());
        e = assertThrows(StreamVaultException.class, () -> storage.get("data/00/nothere", 0, 1));
        assertCode(ErrorCode.OBJECT_NOT_FOUND, e);
        assertTrue(storage.stat("snapshots/nothere").isEmpty());
    }

    @Test
    public void listByPrefix() {
        Map<String, Integer> objects = new TreeMap<>();
        objects.put("config", 5);
        objects.put("keys/k1", 7);
        objects.put("data/ab/ab01", 11);
        objects.put("data/ab/ab02", 12);
        objects.put("data/cd/cd01", 13);
        objects.put("index/i1", 17);
        objects.put("snapshots/aa11", 19);
        objects.put("snapshots/aa22", 20);
        objects.put("snapshots/bb33", 21);
        objects.forEach((n, size) -> storage.putIfAbsent(n, new byte[size]));

        assertEquals(objects, asMap(storage.list("")));
        assertEquals(Map.of("data/ab/ab01", 11, "data/ab/ab02", 12, "data/cd/cd01", 13), asMap(storage.list("data/")));
        assertEquals(Map.of("data/ab/ab01", 11, "data/ab/ab02", 12), asMap(storage.list("data/ab/")));
        assertEquals(Map.of("data/ab/ab02", 12), asMap(storage.list("data/ab/ab02")));
        assertEquals(Map.of("snapshots/aa11", 19, "snapshots/aa22", 20), asMap(storage.list("snapshots/aa")));
        assertEquals(Map.of("snapshots/aa11", 19, "snapshots/aa22", 20, "snapshots/bb33", 21),
                asMap(storage.list("snapshots/")));
        assertEquals(Map.of("config", 5), asMap(storage.list("conf")));
        assertTrue(storage.list("locks/").isEmpty());
        assertTrue(storage.list("snapshots/cc").isEmpty());
        assertTrue(storage.list("data/ef/").isEmpty());
    }

    private static Map<String, Integer> asMap(List<ObjectInfo> list) {
        Map<String, Integer> m = new TreeMap<>();
        for (ObjectInfo o : list) {
            m.put(o.name(), Math.toIntExact(o.size()));
        }
        assertEquals(list.size(), m.size(), "list returned a name twice");
        return m;
    }

    @Test
    public void statGivesSize() {
        storage.putIfAbsent("index/abc", new byte[321]);
        ObjectInfo info = storage.stat("index/abc").orElseThrow();
        assertEquals("index/abc", info.name());
        assertEquals(321, info.size());
    }

    /** Where a backend has a clock, it is the service's, near this machine's, and leaves no object behind. */
    @Test
    public void serviceTimeIsNearNowAndLeavesNothing() {
        storage.putIfAbsent("config", bytes("c"));
        Instant before = Instant.now().minusSeconds(120);
        storage.serviceTime().ifPresent(t -> {
            assertTrue(t.isAfter(before) && t.isBefore(Instant.now().plusSeconds(120)), t.toString());
        });
        assertEquals(List.of("config"), storage.list("").stream().map(ObjectInfo::name).toList());
    }

    @Test
    public void deleteIsIdempotent() {
        storage.putIfAbsent("snapshots/s1", bytes("x"));
        storage.delete("snapshots/s1");
        storage.delete("snapshots/s1");
        storage.delete("snapshots/never");
        assertTrue(storage.stat("snapshots/s1").isEmpty());
        assertTrue(storage.list("snapshots/").isEmpty());
        assertEquals(ErrorCode.OBJECT_NOT_FOUND,
                assertThrows(StreamVaultException.class, () -> storage.get("snapshots/s1")).code());
        assertTrue(storage.putIfAbsent("snapshots/s1", bytes("again")));
        assertArrayEquals(bytes("again"), storage.get("snapshots/s1"));
    }

    @Test
    public void concurrentWritersOfOneNameBothSucceedAndExactlyOneCreates() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 10; round++) {
                String name = "data/5a/round" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<byte[]> payloads = new ArrayList<>();
                List<Future<Boolean>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    byte[] data = random(200_000 + w, round * 100L + w);
                    payloads.add(data);
                    Callable<Boolean> task = () -> {
                        start.await();
                        return storage.putIfAbsent(name, data);
                    };
                    results.add(pool.submit(task));
                }
                start.countDown();
                int created = 0;
                int winner = -1;
                for (int w = 0; w < writers; w++) {
                    if (results.get(w).get()) {
                        created++;
                        winner = w;
                    }
                }
                assertEquals(1, created, "exactly one writer creates " + name);
                assertArrayEquals(payloads.get(winner), storage.get(name), "the object is the creator's bytes");
                assertEquals(1, storage.list("data/5a/round" + round).size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void readersNeverSeeAPartialObject() throws Exception {
        byte[] data = random(8 << 20, 5);
        Thread writer = new Thread(() -> storage.putIfAbsent("data/77/atomic", data));
        writer.start();
        byte[] seen = null;
        while (seen == null) {
            try {
                seen = storage.get("data/77/atomic");
            } catch (StreamVaultException e) {
                assertCode(ErrorCode.OBJECT_NOT_FOUND, e);
                Thread.onSpinWait();
            }
        }
        writer.join();
        assertArrayEquals(data, seen);
    }

    @Test
    public void largeObject() {
        byte[] data = random(32 << 20, 4);
        assertTrue(storage.putIfAbsent("data/ff/large", data));
        assertEquals(data.length, storage.stat("data/ff/large").orElseThrow().size());
        assertArrayEquals(data, storage.get("data/ff/large"));
        int off = (32 << 20) - 5_000_000;
        assertArrayEquals(Arrays.copyOfRange(data, off, data.length), storage.get("data/ff/large", off, 5_000_000));
    }

    /** Sizes around the local backend's direct-I/O threshold, its 4 KiB blocks and its 8 MiB buffer. */
    @Test
    public void largeObjectsOfUnalignedSizes() {
        int[] sizes = {(1 << 20) - 1, 1 << 20, (1 << 20) + 1, (8 << 20) - 4096, (8 << 20) + 4097, (17 << 20) + 123};
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = random(sizes[i], 40 + i);
            String name = "data/ee/size-" + sizes[i];
            assertTrue(storage.putIfAbsent(name, data));
            assertFalse(storage.putIfAbsent(name, random(sizes[i], 90 + i)));
            assertEquals(data.length, storage.stat(name).orElseThrow().size(), name);
            assertArrayEquals(data, storage.get(name), name);
        }
    }

    /** From a heap buffer and from an aligned direct one, each with a position: the bytes between position and limit. */
    @Test
    public void putFromABuffer() {
        for (int size : new int[] {0, 5000, (1 << 20) + 3, (3 << 20) + 4096}) {
            byte[] data = random(size, 70 + size % 13);
            ByteBuffer heap = ByteBuffer.allocate(size + 30).position(11);
            heap.put(data).position(11).limit(11 + size);
            ByteBuffer direct = ByteBuffer.allocateDirect(size + 8192).alignedSlice(4096);
            direct.put(data).flip();
            ByteBuffer shifted = ByteBuffer.allocateDirect(size + 9).position(9);
            shifted.put(data).position(9);
            int i = 0;
            for (ByteBuffer b : new ByteBuffer[] {heap, direct, shifted}) {
                String name = "data/dd/buffer-" + size + "-" + i++;
                int position = b.position();
                int limit = b.limit();
                assertTrue(storage.putIfAbsent(name, b));
                assertEquals(position, b.position(), name);
                assertEquals(limit, b.limit(), name);
                assertArrayEquals(data, storage.get(name), name);
                assertFalse(storage.putIfAbsent(name, ByteBuffer.wrap(random(size, 1))));
                assertArrayEquals(data, storage.get(name), name);
            }
        }
    }

    @Test
    public void locationIsNotEmpty() {
        assertFalse(storage.location().isBlank());
    }
}
