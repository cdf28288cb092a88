package io.streamvault.maintenance.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the readable index objects record, kept as the vault's compact index (about 55 bytes per
 * entry) plus the entries grouped by pack (4 bytes per entry): a check of a vault of millions of
 * blobs fits the default heap. Locations are made only for the pack being looked at.
 */
final class LoadedIndex {
    private final long objects;
    private final MasterIndex index;
    /** Every pack some index object records, sorted by id. */
    private final List<String> packs;
    private final Map<String, Integer> packOrder;
    /** Entry numbers grouped by pack (in {@link #packs}' order), each pack's by offset, one per offset. */
    private final int[] byPack;
    /** Where each pack's entries start in {@link #byPack}; one more element, the end. */
    private final int[] starts;

    /** @param objects how many index objects there are (readable or not) */
    LoadedIndex(long objects, MasterIndex index) {
        this.objects = objects;
        this.index = index;
        String[] ids = new String[index.packCount()];
        for (int p = 0; p < ids.length; p++) {
            ids[p] = index.packId(p);
        }
        Integer[] sorted = new Integer[ids.length];
        Arrays.setAll(sorted, i -> i);
        Arrays.sort(sorted, (a, b) -> ids[a].compareTo(ids[b]));
        int[] rank = new int[ids.length];
        for (int r = 0; r < sorted.length; r++) {
            rank[sorted[r]] = r;
        }
        // Counting sort by pack, then each pack's entries by offset (offset and entry number in one long,
        // its sign bit flipped so that a signed sort orders offsets as unsigned).
        int n = index.entryCount();
        int[] count = new int[ids.length + 1];
        for (int e = 0; e < n; e++) {
            count[rank[index.packOf(e)] + 1]++;
        }
        for (int r = 0; r < ids.length; r++) {
            count[r + 1] += count[r];
        }
        int[] grouped = new int[n];
        int[] next = Arrays.copyOf(count, ids.length);
        for (int e = 0; e < n; e++) {
            grouped[next[rank[index.packOf(e)]]++] = e;
        }
        int[] kept = new int[ids.length + 1];
        List<String> names = new ArrayList<>(ids.length);
        packOrder = new HashMap<>();
        int out = 0;
        for (int r = 0; r < ids.length; r++) {
            kept[r] = out;
            long[] keys = new long[count[r + 1] - count[r]];
            if (keys.length == 0) {
                continue; // a pack recorded without blobs: nothing to check, as if no index named it
            }
            names.add(ids[sorted[r]]);
            packOrder.put(ids[sorted[r]], r);
            for (int i = 0; i < keys.length; i++) {
                int e = grouped[count[r] + i];
                keys[i] = ((index.offsetOf(e) << 32) | e) ^ Long.MIN_VALUE;
            }
            Arrays.sort(keys);
            long lastOffset = -1;
            for (long k : keys) {
                long offset = (k ^ Long.MIN_VALUE) >>> 32;
                if (offset != lastOffset) { // the same pack in two index objects: its entries once
                    grouped[out++] = (int) k;
                    lastOffset = offset;
                }
            }
        }
        kept[ids.length] = out;
        this.packs = List.copyOf(names);
        this.byPack = out == n ? grouped : Arrays.copyOf(grouped, out);
        this.starts = kept;
    }

    /** How many index objects there are (readable or not). */
    long objects() {
        return objects;
    }

    /** Where the index says the blob is, or null when no index records it (the first index object to say wins). */
    BlobLocation find(BlobId id, BlobType type) {
        int e = index.entryOf(id, type);
        return e < 0 ? null : index.location(e);
    }

    /** Every pack some index object records, sorted by id. */
    List<String> packs() {
        return packs;
    }

    boolean records(String pack) {
        return packOrder.containsKey(pack);
    }

    /** How many blobs the index records in the pack. */
    int blobs(String pack) {
        int r = packOrder.get(pack);
        return starts[r + 1] - starts[r];
    }

    /** The stored bytes of the blobs the index records in the pack. */
    long storedBytes(String pack) {
        int r = packOrder.get(pack);
        long sum = 0;
        for (int i = starts[r]; i < starts[r + 1]; i++) {
            sum += index.lengthOf(byPack[i]);
        }
        return sum;
    }

    /** The blobs the index records in the pack, by offset. */
    List<BlobLocation> entries(String pack) {
        int r = packOrder.get(pack);
        List<BlobLocation> out = new ArrayList<>(starts[r + 1] - starts[r]);
        for (int i = starts[r]; i < starts[r + 1]; i++) {
            out.add(index.location(byPack[i]));
        }
        return out;
    }

    /** The index's number of the blob's entry ({@link MasterIndex#entryOf}), or -1. */
    int entryOf(BlobId id, BlobType type) {
        return index.entryOf(id, type);
    }

    /** The id of the pack entry {@code entry} is in. */
    String packOf(int entry) {
        return index.packId(index.packOf(entry));
    }

    int entryCount() {
        return index.entryCount();
    }
}
