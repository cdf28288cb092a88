package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.PackEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What garbage collection does with each pack of the index it loaded: keep it whole, repack its live
 * blobs into new packs, or delete it. A blob is live when the mark reached its entry, or when dedup
 * spared its id (an upload of it is in progress). A pack the index records but the storage does not
 * hold is dropped from the new index, unless a live blob has no other copy: then the vault is damaged
 * and the run deletes nothing.
 *
 * <p>Packs' entries are kept as ranges of one int array of entry numbers ({@link PackEntries}), so a
 * vault of millions of blobs is planned in a few bytes per blob.
 */
public final class PackPlan {
    /**
     * One pack of the index: its size, its entries (positions {@code [from, to)} of {@link PackEntries}),
     * and the bytes of its blob records, all and live.
     */
    public record Pack(String id, long size, int from, int to, long liveBytes, long recordBytes) {
        /** The share of its blob bytes that no snapshot uses. */
        public double unusedShare() {
            return recordBytes == 0 ? 1 : 1 - (double) liveBytes / recordBytes;
        }

        public int count() {
            return to - from;
        }
    }

    private final MasterIndex index;
    private final PackEntries entries;
    private final List<Pack> keep = new ArrayList<>();
    private final List<Pack> repack = new ArrayList<>();
    private final List<Pack> delete = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();

    private PackPlan(MasterIndex index, PackEntries entries) {
        this.index = index;
        this.entries = entries;
    }

    /**
     * @param sizes the packs the storage holds, by id, with their sizes
     * @param maxUnused the share of the kept packs' bytes that may stay unused (see {@link #chooseRepacks})
     */
    public static PackPlan of(MasterIndex index, EntryBits marked, Set<BlobId> spared, Map<String, Long> sizes,
            double maxUnused) {
        int packs = index.packCount();
        keepCopies(index, marked, spared, sizes);
        PackEntries entries = PackEntries.of(index);
        PackPlan plan = new PackPlan(index, entries);
        for (int p = 0; p < packs; p++) {
            String id = index.packId(p);
            Long size = sizes.get(id);
            long live = 0;
            long all = 0;
            for (int i = entries.from(p); i < entries.to(p); i++) {
                int e = entries.entry(i);
                all += index.lengthOf(e);
                if (isLive(index, marked, spared, e)) {
                    live += index.lengthOf(e);
                }
            }
            Pack pack = new Pack(id, size == null ? 0 : size, entries.from(p), entries.to(p), live, all);
            if (size == null) {
                plan.missing.add(id);
            } else if (live == 0) {
                plan.delete.add(pack);
            } else {
                plan.keep.add(pack);
            }
        }
        plan.chooseRepacks(maxUnused);
        return plan;
    }

    /**
     * A live blob recorded in a pack the storage no longer holds (a collection that ran before this one
     * deleted it after this run loaded its index) must have a copy in a pack that exists, and every such
     * copy is live: its entries are marked, so that the pack holding it is kept or repacked with it,
     * never deleted as unused (the mark reaches one entry per id, whichever the index finds first). A
     * live blob with no copy left is VAULT_DAMAGED: the run deletes nothing.
     */
    private static void keepCopies(MasterIndex index, EntryBits marked, Set<BlobId> spared, Map<String, Long> sizes) {
        boolean[] gone = new boolean[index.packCount()];
        List<String> missing = new ArrayList<>();
        for (int p = 0; p < gone.length; p++) {
            gone[p] = !sizes.containsKey(index.packId(p));
            if (gone[p]) {
                missing.add(index.packId(p));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Set<BlobId> need = new HashSet<>();
        for (int e = 0; e < index.entryCount(); e++) {
            if (gone[index.packOf(e)] && isLive(index, marked, spared, e)) {
                need.add(index.location(e).id());
            }
        }
        if (need.isEmpty()) {
            return;
        }
        Set<BlobId> found = new HashSet<>();
        for (int e = 0; e < index.entryCount(); e++) {
            if (!gone[index.packOf(e)]) {
                BlobId id = index.location(e).id();
                if (need.contains(id)) {
                    marked.set(e);
                    found.add(id);
                }
            }
        }
        if (found.size() < need.size()) {
            throw new FatalException(ErrorCode.VAULT_DAMAGED, (need.size() - found.size()) + " blobs that snapshots use"
                    + " are recorded only in packs that are missing (" + String.join(", ", missing.subList(0,
                            Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : "") + "); garbage collection"
                    + " deletes nothing in a damaged vault: run check");
        }
    }

    /**
     * Moves the most unused packs to {@link #repack} until the unused bytes left in the kept packs are
     * at most {@code maxUnused} of their size (restic's rule for its {@code --max-unused}): a vault
     * may keep a little unused data rather than rewrite many packs for a few blobs each.
     */
    private void chooseRepacks(double maxUnused) {
        long size = 0;
        long unused = 0;
        for (Pack p : keep) {
            size += p.size();
            unused += p.recordBytes() - p.liveBytes();
        }
        keep.sort(Comparator.comparingDouble(Pack::unusedShare).reversed().thenComparing(Pack::id));
        List<Pack> stay = new ArrayList<>();
        for (Pack p : keep) {
            if (unused > maxUnused * size && p.liveBytes() < p.recordBytes()) {
                repack.add(p);
                unused -= p.recordBytes() - p.liveBytes();
                size -= p.recordBytes() - p.liveBytes();
            } else {
                stay.add(p);
            }
        }
        keep.clear();
        keep.addAll(stay);
    }

    private static boolean isLive(MasterIndex index, EntryBits marked, Set<BlobId> spared, int e) {
        if (marked.get(e)) {
            return true;
        }
        // a spared id keeps every copy: which one its upload will be recorded under is not known
        return !spared.isEmpty() && index.typeOf(e) == BlobType.DATA && spared.contains(index.location(e).id());
    }

    /** The pack's entries as a pack header lists them (for a new index object recording it). */
    public List<PackEntry> packEntries(Pack pack) {
        List<PackEntry> out = new ArrayList<>(pack.count());
        for (int i = pack.from(); i < pack.to(); i++) {
            BlobLocation l = index.location(entries.entry(i));
            out.add(new PackEntry(l.id(), l.type(), l.offset(), l.length(), l.rawLength()));
        }
        return out;
    }

    /** The live entries' locations of a pack to repack, each blob once. */
    public List<BlobLocation> liveLocations(EntryBits marked, Set<BlobId> spared, Pack pack) {
        List<BlobLocation> out = new ArrayList<>();
        Set<BlobId> taken = new HashSet<>();
        for (int i = pack.from(); i < pack.to(); i++) {
            int e = entries.entry(i);
            if (isLive(index, marked, spared, e)) {
                BlobLocation l = index.location(e);
                if (taken.add(l.id())) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    public List<Pack> keep() {
        return keep;
    }

    public List<Pack> repack() {
        return repack;
    }

    public List<Pack> delete() {
        return delete;
    }

    /** Packs the index records that the storage does not hold. */
    public List<String> missing() {
        return missing;
    }

    /** Bytes of packs the vault holds: what the packs cost before the run. */
    public static long bytes(List<Pack> packs) {
        long n = 0;
        for (Pack p : packs) {
            n += p.size();
        }
        return n;
    }
}
