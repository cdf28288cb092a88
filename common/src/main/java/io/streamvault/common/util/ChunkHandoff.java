package io.streamvault.common.util;

import com.sun.jna.Memory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The bytes of chunks a chunker in this process has just read and hashed, kept for an uploader in
 * the same process, so that it need not read the source file and hash them again (the claim check).
 * The bytes under an id are the ones the chunker hashed to that id, so they need no new check.
 *
 * <p>Nothing depends on it: a chunk not found here (evicted, a duplicate never requested, an
 * uploader in another process, a restart) is read from its source as before. Kafka still carries
 * only the chunk's location; this is memory, lost with the process.
 *
 * <p>One ring of {@code capacity} bytes off the heap, allocated by {@link #open()} (when an uploader
 * starts here) and freed by {@link #close()}. Entries are placed one after another and the oldest
 * are dropped to make room, or when there is one entry per 4 KiB of ring: memory never grows past
 * the ring and its index, and chunks that no uploader asks for (those the vault already holds)
 * leave by themselves. Thread-safe; copies happen under the lock.
 */
public final class ChunkHandoff {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * A chunk id as a map key. Ids are keyed hashes, uniform in every bit, so the first four bytes
     * are the hash code: {@code ByteBuffer}'s walked all 32 bytes at every lookup, 15% of a chunker's
     * time with small files.
     */
    private static final class Key {
        private final byte[] id;
        private final int hash;

        Key(byte[] id) {
            this.id = id;
            this.hash = id.length >= 4 ? (int) INT.get(id, 0) : Arrays.hashCode(id);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(id, k.id);
        }
    }

    private record Entry(Key id, int start, int length) {
        boolean overlaps(int from, int to) {
            return start < to && start + length > from;
        }
    }

    private final int capacity;
    /** At most this many entries (one per 4 KiB of ring): tiny chunks must not fill the heap with keys. */
    private final int maxEntries;
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final Map<Key, Entry> live = new HashMap<>();
    /** The ring (malloc'd: pages become resident only once written); null while closed. */
    private Memory ring;
    /**
     * The whole ring as one buffer, made once: copies use its absolute bulk methods. (JNA's
     * getByteBuffer per copy made a buffer and registered it for cleanup each time: 16% of a
     * chunker's time in a profile of small files.)
     */
    private ByteBuffer view;
    private int head;
    private long hits;
    private long misses;

    /** @param capacity bytes of the ring; 0 keeps nothing */
    public ChunkHandoff(long capacity) {
        if (capacity < 0 || capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("hand-off capacity " + capacity + " is outside [0, 2 GiB)");
        }
        this.capacity = (int) capacity;
        this.maxEntries = (int) Math.max(64, capacity / 4096);
    }

    /** Starts keeping chunks (an uploader runs in this process). */
    public synchronized void open() {
        if (ring == null && capacity > 0) {
            ring = new Memory(capacity); // not ByteBuffer.allocateDirect, which zeroes it all at once
            view = ring.getByteBuffer(0, capacity);
        }
    }

    /** Drops every chunk and frees the ring (the uploader stopped). */
    public synchronized void close() {
        if (ring != null) {
            view = null;
            ring.close();
            ring = null;
        }
        order.clear();
        live.clear();
        head = 0;
    }

    /** Keeps a copy of {@code buf[off, off+len)}, the bytes of chunk {@code id}, if open. */
    public void offer(byte[] id, byte[] buf, int off, int len) {
        offer(id, ByteBuffer.wrap(buf), off, len);
    }

    /**
     * Keeps a copy of {@code buf}'s bytes at absolute indexes {@code [off, off+len)}, below its limit
     * (its position is not used or moved), the bytes of chunk {@code id}, if open.
     */
    public synchronized void offer(byte[] id, ByteBuffer buf, int off, int len) {
        if (ring == null || len > capacity || len <= 0) {
            return;
        }
        Key key = new Key(id.clone());
        if (live.containsKey(key)) {
            return;
        }
        if (head + len > capacity) {
            // The rest of the ring is too short: everything placed from here to its end is the oldest.
            while (!order.isEmpty() && order.peekFirst().start() >= head) {
                drop();
            }
            head = 0;
        }
        while (!order.isEmpty() && (order.peekFirst().overlaps(head, head + len) || order.size() >= maxEntries)) {
            drop();
        }
        view.put(head, buf, off, len);
        Entry e = new Entry(key, head, len);
        order.addLast(e);
        live.put(key, e);
        head += len;
    }

    /**
     * Copies chunk {@code id} into {@code dst} and forgets it; returns its length, or -1 when it is
     * not here (or longer than {@code dst}).
     */
    public int take(byte[] id, byte[] dst) {
        return take(id, ByteBuffer.wrap(dst));
    }

    /**
     * Copies chunk {@code id} into {@code dst} from index 0 (its position and limit are not used or
     * moved) and forgets it; returns its length, or -1 when it is not here (or longer than
     * {@code dst}'s capacity).
     */
    public synchronized int take(byte[] id, ByteBuffer dst) {
        Entry e = ring == null ? null : live.get(new Key(id));
        if (e == null || e.length() > dst.capacity()) {
            misses++;
            return -1;
        }
        dst.duplicate().clear().put(0, view, e.start(), e.length());
        live.remove(e.id());
        hits++;
        return e.length();
    }

    private void drop() {
        Entry e = order.pollFirst();
        live.remove(e.id(), e);
    }

    /** Chunks found by {@link #take} since this was made. */
    public synchronized long hits() {
        return hits;
    }

    /** Chunks asked for and not found since this was made. */
    public synchronized long misses() {
        return misses;
    }
}
