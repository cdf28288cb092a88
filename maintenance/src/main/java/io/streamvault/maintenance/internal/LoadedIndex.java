package io.streamvault.maintenance.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the readable index objects record, kept as the vault's compact index (about 55 bytes per
 * entry) plus the entries grouped by pack ({@link PackEntries}, 4 bytes per entry): a check of a vault
 * of millions of blobs fits the default heap. Locations are made only for the pack being looked at.
 */
final class LoadedIndex {
    private final long objects;
    private final MasterIndex index;
    private final PackEntries entries;
    /** Every pack some index object records with at least one blob, sorted by id. */
    private final List<String> packs;
    /** The index's number of each pack in {@link #packs}. */
    private final Map<String, Integer> packNumbers = new HashMap<>();

    /** @param objects how many index objects there are (readable or not) */
    LoadedIndex(long objects, MasterIndex index) {
        this.objects = objects;
        this.index = index;
        this.entries = PackEntries.of(index);
        List<String> names = new ArrayList<>();
        for (int p = 0; p < index.packCount(); p++) {
            if (entries.to(p) > entries.from(p)) { // a pack recorded without blobs: nothing to check
                names.add(index.packId(p));
                packNumbers.put(index.packId(p), p);
            }
        }
        names.sort(null);
        this.packs = List.copyOf(names);
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
        return packNumbers.containsKey(pack);
    }

    /** How many blobs the index records in the pack. */
    int blobs(String pack) {
        int p = packNumbers.get(pack);
        return entries.to(p) - entries.from(p);
    }

    /** The stored bytes of the blobs the index records in the pack. */
    long storedBytes(String pack) {
        int p = packNumbers.get(pack);
        long sum = 0;
        for (int i = entries.from(p); i < entries.to(p); i++) {
            sum += index.lengthOf(entries.entry(i));
        }
        return sum;
    }

    /** The blobs the index records in the pack, by offset. */
    List<BlobLocation> entries(String pack) {
        int p = packNumbers.get(pack);
        List<BlobLocation> out = new ArrayList<>(entries.to(p) - entries.from(p));
        for (int i = entries.from(p); i < entries.to(p); i++) {
            out.add(index.location(entries.entry(i)));
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
