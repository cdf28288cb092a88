package io.streamvault.vault.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The merged index in parallel primitive arrays: per entry 32 bytes of id (four longs), pack
 * reference and type (one int), offset, length and raw length (three ints), about 48 bytes, plus
 * an open-addressing table of ints over (id, type) at most 3/4 full (5 to 11 bytes per distinct
 * blob). Entries that repeat a blob (the same blob in several packs) are kept for
 * {@link #forEach} but only the first is found by {@link #find}. Immutable once built.
 */
final class CompactIndex implements MasterIndex {
    /** Most entries: the id array must fit one Java array. */
    static final long MAX_ENTRIES = 500_000_000L;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int TREE_BIT = 1 << 31;

    private final String[] packs;
    private final long[] ids;
    private final int[] packAndType;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] raws;
    private final int[] table;
    private final int count;
    private final long distinct;
    private final List<String> objects;

    private CompactIndex(Builder b, List<String> objects) {
        this.packs = b.packs.toArray(new String[0]);
        this.ids = b.ids;
        this.packAndType = b.packAndType;
        this.offsets = b.offsets;
        this.lengths = b.lengths;
        this.raws = b.raws;
        this.table = b.table;
        this.count = b.count;
        this.distinct = b.distinct;
        this.objects = List.copyOf(objects);
    }

    @Override
    public Optional<BlobLocation> find(BlobId id) {
        Optional<BlobLocation> data = find(id, BlobType.DATA);
        return data.isPresent() ? data : find(id, BlobType.TREE);
    }

    @Override
    public Optional<BlobLocation> find(BlobId id, BlobType type) {
        byte[] b = id.bytes();
        int e = lookup(table, ids, packAndType, word(b, 0), word(b, 8), word(b, 16), word(b, 24),
                type == BlobType.TREE);
        return e < 0 ? Optional.empty() : Optional.of(location(e, id));
    }

    @Override
    public int entryCount() {
        return count;
    }

    @Override
    public int entryOf(BlobId id, BlobType type) {
        byte[] b = id.bytes();
        return lookup(table, ids, packAndType, word(b, 0), word(b, 8), word(b, 16), word(b, 24), type == BlobType.TREE);
    }

    @Override
    public BlobLocation location(int entry) {
        if (entry < 0 || entry >= count) {
            throw new IndexOutOfBoundsException("entry " + entry + " of " + count);
        }
        byte[] b = new byte[BlobId.LENGTH];
        for (int k = 0; k < 4; k++) {
            LONG.set(b, k * 8, ids[4 * entry + k]);
        }
        return location(entry, BlobId.of(b));
    }

    @Override
    public int packCount() {
        return packs.length;
    }

    @Override
    public int packOf(int entry) {
        return packAndType[entry] & ~TREE_BIT;
    }

    @Override
    public String packId(int pack) {
        return packs[pack];
    }

    @Override
    public BlobType typeOf(int entry) {
        return (packAndType[entry] & TREE_BIT) != 0 ? BlobType.TREE : BlobType.DATA;
    }

    @Override
    public long offsetOf(int entry) {
        return Integer.toUnsignedLong(offsets[entry]);
    }

    @Override
    public int lengthOf(int entry) {
        return lengths[entry];
    }

    @Override
    public long size() {
        return distinct;
    }

    /** Number of entries, counting a blob once per pack that holds it. */
    long entries() {
        return count;
    }

    @Override
    public void forEach(Consumer<BlobLocation> sink) {
        byte[] b = new byte[BlobId.LENGTH];
        for (int e = 0; e < count; e++) {
            for (int k = 0; k < 4; k++) {
                LONG.set(b, k * 8, ids[4 * e + k]);
            }
            sink.accept(location(e, BlobId.of(b)));
        }
    }

    @Override
    public Collection<String> indexObjects() {
        return objects;
    }

    private BlobLocation location(int e, BlobId id) {
        int pt = packAndType[e];
        return new BlobLocation(id, (pt & TREE_BIT) != 0 ? BlobType.TREE : BlobType.DATA, packs[pt & ~TREE_BIT],
                Integer.toUnsignedLong(offsets[e]), lengths[e], raws[e]);
    }

    private static long word(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    private static int hash(long a, long b, long c, long d, boolean tree) {
        long h = a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L ^ d ^ (tree ? 1 : 0);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The entry holding (id, type), or -1. */
    private static int lookup(int[] table, long[] ids, int[] packAndType, long a, long b, long c, long d,
            boolean tree) {
        int mask = table.length - 1;
        for (int slot = hash(a, b, c, d, tree) & mask;; slot = (slot + 1) & mask) {
            int e = table[slot] - 1;
            if (e < 0) {
                return -1;
            }
            int i = 4 * e;
            if (ids[i] == a && ids[i + 1] == b && ids[i + 2] == c && ids[i + 3] == d
                    && ((packAndType[e] & TREE_BIT) != 0) == tree) {
                return e;
            }
        }
    }

    /** Fills the arrays for a known number of entries. Not thread-safe. */
    static final class Builder {
        private final List<String> packs = new ArrayList<>();
        private final Map<String, Integer> packRefs = new HashMap<>();
        private final long[] ids;
        private final int[] packAndType;
        private final int[] offsets;
        private final int[] lengths;
        private final int[] raws;
        private final int[] table;
        private int count;
        private long distinct;

        Builder(long capacity) {
            if (capacity > MAX_ENTRIES) {
                throw Errors.invalid("index has " + capacity + " entries; at most " + MAX_ENTRIES + " fit in memory");
            }
            int n = (int) capacity;
            ids = new long[4 * n];
            packAndType = new int[n];
            offsets = new int[n];
            lengths = new int[n];
            raws = new int[n];
            int slots = Integer.highestOneBit(Math.max(16, (int) (capacity * 4 / 3 + 1)) - 1) << 1;
            table = new int[slots];
        }

        int pack(String id) {
            return packRefs.computeIfAbsent(id, k -> {
                packs.add(k);
                return packs.size() - 1;
            });
        }

        void add(int packRef, byte type, byte[] src, int idOff, int offset, int length, int raw) {
            int e = count++;
            long a = word(src, idOff);
            long b = word(src, idOff + 8);
            long c = word(src, idOff + 16);
            long d = word(src, idOff + 24);
            boolean tree = type == 1;
            ids[4 * e] = a;
            ids[4 * e + 1] = b;
            ids[4 * e + 2] = c;
            ids[4 * e + 3] = d;
            packAndType[e] = packRef | (tree ? TREE_BIT : 0);
            offsets[e] = offset;
            lengths[e] = length;
            raws[e] = raw;
            int mask = table.length - 1;
            for (int slot = hash(a, b, c, d, tree) & mask;; slot = (slot + 1) & mask) {
                int other = table[slot] - 1;
                if (other < 0) {
                    table[slot] = e + 1;
                    distinct++;
                    return;
                }
                int i = 4 * other;
                if (ids[i] == a && ids[i + 1] == b && ids[i + 2] == c && ids[i + 3] == d
                        && ((packAndType[other] & TREE_BIT) != 0) == tree) {
                    return;
                }
            }
        }

        CompactIndex build(List<String> objects) {
            if (count != packAndType.length) {
                throw Errors.internal("index builder got " + count + " of " + packAndType.length + " entries", null);
            }
            return new CompactIndex(this, objects);
        }
    }
}
