package io.streamvault.maintenance.internal;

import io.streamvault.vault.MasterIndex;
import java.util.Arrays;

/**
 * The entries of an index grouped by pack, in offset order, each offset once (a pack recorded by two
 * index objects has its entries twice): one int array of entry numbers, with each pack's range in it,
 * so that millions of blobs are grouped in a few bytes each. Garbage collection plans with it, and
 * check compares pack headers and sizes with it.
 */
final class PackEntries {
    private final int[] order;
    /** Per pack number: where its entries start in {@link #order}, and where they end. */
    private final int[] from;
    private final int[] to;

    private PackEntries(int[] order, int[] from, int[] to) {
        this.order = order;
        this.from = from;
        this.to = to;
    }

    static PackEntries of(MasterIndex index) {
        int n = index.entryCount();
        int packs = index.packCount();
        int[] start = new int[packs + 1];
        for (int e = 0; e < n; e++) {
            start[index.packOf(e) + 1]++;
        }
        for (int p = 0; p < packs; p++) {
            start[p + 1] += start[p];
        }
        int[] order = new int[n];
        int[] fill = Arrays.copyOf(start, packs);
        for (int e = 0; e < n; e++) {
            order[fill[index.packOf(e)]++] = e;
        }
        int[] end = new int[packs];
        for (int p = 0; p < packs; p++) {
            end[p] = sortByOffset(index, order, start[p], start[p + 1]);
        }
        return new PackEntries(order, Arrays.copyOf(start, packs), end);
    }

    /**
     * Sorts {@code order[from, to)} by offset and drops repeated offsets (a pack recorded by two index
     * objects has its entries twice); returns the new end.
     */
    private static int sortByOffset(MasterIndex index, int[] order, int from, int to) {
        long[] keys = new long[to - from];
        for (int i = from; i < to; i++) {
            keys[i - from] = index.offsetOf(order[i]) << 31 | order[i];
        }
        Arrays.sort(keys);
        int end = from;
        long last = -1;
        for (long k : keys) {
            long offset = k >>> 31;
            if (offset != last) {
                order[end++] = (int) (k & Integer.MAX_VALUE);
                last = offset;
            }
        }
        return end;
    }

    /** Where pack number {@code pack}'s entries start (see {@link #entry}). */
    int from(int pack) {
        return from[pack];
    }

    /** Where pack number {@code pack}'s entries end. */
    int to(int pack) {
        return to[pack];
    }

    /** The entry number at position {@code i}. */
    int entry(int i) {
        return order[i];
    }
}
