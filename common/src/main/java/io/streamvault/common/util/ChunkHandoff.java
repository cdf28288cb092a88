package io.streamvault.common.util;

import com.sun.jna.Memory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
 * starts here) and freed by {@link #close()}. Each chunk is one record in the ring, placed after the
 * last: its length (4 bytes), its id's length (1 byte), its id, its bytes. The oldest records are
 * dropped to make room, so chunks that no uploader asks for (those the vault already holds) leave by
 * themselves. The index is an open-addressing table of ring offsets (an {@code int[]} of
 * {@link #SLOTS_PER_ENTRY} slots per entry, at most one entry per {@link #BYTES_PER_ENTRY} bytes of
 * ring and {@link #MAX_ENTRIES} in all, on the heap): a small file's chunk costs its record and
 * 8 to 16 bytes of index, no objects. (It cost about
 * 140 bytes of heap in objects before, so the ring held one entry per 4 KiB: with small files most
 * chunks were gone before their upload and read again from their file, one more open and read per
 * file, which on a parallel file system is a metadata round trip.) Thread-safe; copies happen under
 * the lock.
 */
public final class ChunkHandoff {
    /** At most one entry per this many bytes of ring: 8 to 16 bytes of index per 64 of ring (its size is a power of two). */
    static final int BYTES_PER_ENTRY = 64;
    /** Index slots per entry it may hold: a table at most half full. */
    static final int SLOTS_PER_ENTRY = 2;
    /** At most this many entries whatever the ring (an index of 8 MiB): a larger ring holds larger chunks. */
    static final int MAX_ENTRIES = 1 << 20;
    /** Record header: the chunk's length (int) and its id's length (byte). */
    private static final int HEADER = 5;
    /** Ids are keyed hashes, uniform in every bit: their first four bytes are the hash. */
    private static final int MIN_ID = 4;
    private static final int MAX_ID = 255;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private final int maxEntries;
    /** The ring (malloc'd: pages become resident only once written); null while closed. */
    private Memory ring;
    /** The whole ring as one big-endian buffer, made once: copies use its absolute bulk methods. */
    private ByteBuffer view;
    /** Ring offset + 1 of each live entry's record, 0 for an empty slot; linear probing. */
    private int[] slots;
    private int shift;
    /** Where the next record goes. */
    private int head;
    /** The oldest record still in the ring (taken or not). */
    private int tail;
    /** Where the records of the previous lap end, while the ring has wrapped (tail above head). */
    private int end;
    private boolean wrapped;
    /** Records in the ring, taken or not. */
    private int records;
    /** Entries in the index (records not yet taken). */
    private int live;
    private long hits;
    private long misses;

    /** @param capacity bytes of the ring; 0 keeps nothing */
    public ChunkHandoff(long capacity) {
        if (capacity < 0 || capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("hand-off capacity " + capacity + " is outside [0, 2 GiB)");
        }
        this.capacity = (int) capacity;
        this.maxEntries = (int) Math.min(MAX_ENTRIES, Math.max(64, capacity / BYTES_PER_ENTRY));
    }

    /** Starts keeping chunks (an uploader runs in this process). */
    public synchronized void open() {
        if (ring == null && capacity > 0) {
            ring = new Memory(capacity); // not ByteBuffer.allocateDirect, which zeroes it all at once
            view = ring.getByteBuffer(0, capacity).order(ByteOrder.BIG_ENDIAN);
            int n = Integer.highestOneBit(maxEntries * SLOTS_PER_ENTRY - 1) << 1;
            slots = new int[n];
            shift = 32 - Integer.numberOfTrailingZeros(n);
            reset();
        }
    }

    /** Drops every chunk and frees the ring (the uploader stopped). */
    public synchronized void close() {
        if (ring != null) {
            view = null;
            slots = null;
            ring.close();
            ring = null;
        }
        reset();
    }

    private void reset() {
        head = 0;
        tail = 0;
        end = 0;
        wrapped = false;
        records = 0;
        live = 0;
    }

    /** Keeps a copy of {@code buf[off, off+len)}, the bytes of chunk {@code id}, if open. */
    public void offer(byte[] id, byte[] buf, int off, int len) {
        offer(id, ByteBuffer.wrap(buf), off, len);
    }

    /**
     * Keeps a copy of {@code buf}'s bytes at absolute indexes {@code [off, off+len)}, below its limit
     * (its position is not used or moved), the bytes of chunk {@code id}, if open and if its record
     * fits the ring.
     */
    public synchronized void offer(byte[] id, ByteBuffer buf, int off, int len) {
        int size = HEADER + id.length + len;
        if (ring == null || len <= 0 || id.length < MIN_ID || id.length > MAX_ID || size > capacity || size < 0
                || find(id) >= 0) {
            return;
        }
        while (live >= maxEntries && records > 0) {
            dropOldest();
        }
        makeRoom(size);
        int at = head;
        view.putInt(at, len);
        view.put(at + 4, (byte) id.length);
        view.put(at + HEADER, id, 0, id.length);
        view.put(at + HEADER + id.length, buf, off, len);
        head += size;
        records++;
        int i = home(hash(id));
        while (slots[i] != 0) {
            i = (i + 1) & (slots.length - 1);
        }
        slots[i] = at + 1;
        live++;
    }

    /** Takes the oldest records away until {@code size} bytes are free after {@code head}. */
    private void makeRoom(int size) {
        while (true) {
            if (records == 0) {
                reset();
                return;
            }
            if (!wrapped) {
                if (capacity - head >= size) {
                    return;
                }
                end = head; // the rest of the ring is too short: go on from its start
                head = 0;
                wrapped = true;
            } else if (tail - head >= size) {
                return;
            } else {
                dropOldest();
            }
        }
    }

    private void dropOldest() {
        int at = tail;
        int idLength = view.get(at + 4) & 0xff;
        int i = home(view.getInt(at + HEADER));
        while (slots[i] != 0) {
            if (slots[i] == at + 1) {
                removeAt(i);
                break;
            }
            i = (i + 1) & (slots.length - 1);
        }
        tail = at + HEADER + idLength + view.getInt(at);
        records--;
        if (wrapped && tail == end) {
            tail = 0;
            wrapped = false;
        }
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
        int i = ring == null || id.length < MIN_ID ? -1 : find(id);
        int at = i < 0 ? 0 : slots[i] - 1;
        int len = i < 0 ? -1 : view.getInt(at);
        if (i < 0 || len > dst.capacity()) {
            misses++;
            return -1;
        }
        dst.duplicate().clear().put(0, view, at + HEADER + id.length, len);
        removeAt(i);
        hits++;
        return len;
    }

    /** The slot holding {@code id}, or -1. */
    private int find(byte[] id) {
        int i = home(hash(id));
        while (slots[i] != 0) {
            if (holds(slots[i] - 1, id)) {
                return i;
            }
            i = (i + 1) & (slots.length - 1);
        }
        return -1;
    }

    private boolean holds(int at, byte[] id) {
        if ((view.get(at + 4) & 0xff) != id.length) {
            return false;
        }
        int p = at + HEADER;
        int k = 0;
        for (; k + 8 <= id.length; k += 8) {
            if (view.getLong(p + k) != (long) LONG.get(id, k)) {
                return false;
            }
        }
        for (; k < id.length; k++) {
            if (view.get(p + k) != id[k]) {
                return false;
            }
        }
        return true;
    }

    /** Empties slot {@code i}, moving back the entries after it that would no longer be found. */
    private void removeAt(int i) {
        int mask = slots.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int v = slots[j];
            if (v == 0) {
                break;
            }
            int k = home(view.getInt(v - 1 + HEADER));
            // The entry at j stays when its home lies cyclically in (i, j]; otherwise it moves to i.
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                slots[i] = v;
                i = j;
            }
        }
        slots[i] = 0;
        live--;
    }

    private static int hash(byte[] id) {
        return (int) INT.get(id, 0);
    }

    /** Fibonacci hashing: the top bits of the product, so that any bits of the id spread. */
    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
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
