package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What garbage collection does with each pack of the index it loaded: keep it whole, repack its live
 * blobs into new packs, or delete it. A blob is live when the mark reached its entry, or when dedup
 * spared its id (an upload of it is in progress). A pack the index records but the storage does not
 * hold is dropped from the new index, unless a live blob has no other copy: then the vault is damaged
 * and the run deletes nothing.
 */
public final class PackPlan {
    /** One pack of the index: its size and its entries (index entry numbers), in offset order. */
    public record Pack(String id, long size, List<Integer> entries, long liveBytes, long recordBytes) {
        /** The share of its blob bytes that no snapshot uses. */
        public double unusedShare() {
            return recordBytes == 0 ? 1 : 1 - (double) liveBytes / recordBytes;
        }
    }

    private final List<Pack> keep = new ArrayList<>();
    private final List<Pack> repack = new ArrayList<>();
    private final List<Pack> delete = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();

    private PackPlan() {
    }

    /**
     * @param sizes the packs the storage holds, by id, with their sizes
     * @param maxUnused the share of the kept packs' bytes that may stay unused (see {@link #chooseRepacks})
     */
    public static PackPlan of(MasterIndex index, EntryBits marked, Set<BlobId> spared, Map<String, Long> sizes,
            double maxUnused) {
        Map<String, List<Integer>> byPack = new LinkedHashMap<>();
        for (int e = 0; e < index.entryCount(); e++) {
            byPack.computeIfAbsent(index.location(e).pack(), p -> new ArrayList<>()).add(e);
        }
        PackPlan plan = new PackPlan();
        Set<BlobId> liveInMissing = new HashSet<>();
        for (Map.Entry<String, List<Integer>> p : byPack.entrySet()) {
            List<Integer> entries = distinctByOffset(index, p.getValue());
            Long size = sizes.get(p.getKey());
            long live = 0;
            long all = 0;
            for (int e : entries) {
                BlobLocation l = index.location(e);
                all += l.length();
                if (isLive(index, marked, spared, e, l)) {
                    live += l.length();
                    if (size == null) {
                        liveInMissing.add(l.id());
                    }
                }
            }
            Pack pack = new Pack(p.getKey(), size == null ? 0 : size, entries, live, all);
            if (size == null) {
                plan.missing.add(p.getKey());
            } else if (live == 0) {
                plan.delete.add(pack);
            } else {
                plan.keep.add(pack);
            }
        }
        plan.chooseRepacks(maxUnused);
        if (!liveInMissing.isEmpty()) {
            plan.checkCopies(index, liveInMissing, sizes);
        }
        return plan;
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

    /** Live blobs recorded in a missing pack must have a copy in a pack that exists. */
    private void checkCopies(MasterIndex index, Set<BlobId> ids, Map<String, Long> sizes) {
        Set<BlobId> found = new HashSet<>();
        for (int e = 0; e < index.entryCount(); e++) {
            BlobLocation l = index.location(e);
            if (ids.contains(l.id()) && sizes.containsKey(l.pack())) {
                found.add(l.id());
            }
        }
        if (found.size() < ids.size()) {
            throw new FatalException(ErrorCode.VAULT_DAMAGED, (ids.size() - found.size()) + " blobs that snapshots use"
                    + " are recorded only in packs that are missing (" + String.join(", ", missing.subList(0,
                            Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : "") + "); garbage collection"
                    + " deletes nothing in a damaged vault: run check");
        }
    }

    private static boolean isLive(MasterIndex index, EntryBits marked, Set<BlobId> spared, int e, BlobLocation l) {
        if (marked.get(e)) {
            return true;
        }
        // a spared id keeps every copy: which one its upload will be recorded under is not known
        return l.type() == BlobType.DATA && spared.contains(l.id());
    }

    /** A pack recorded by two index objects has its entries twice: keep each offset once. */
    private static List<Integer> distinctByOffset(MasterIndex index, List<Integer> entries) {
        Map<Long, Integer> byOffset = new HashMap<>();
        for (int e : entries) {
            byOffset.putIfAbsent(index.location(e).offset(), e);
        }
        List<Integer> out = new ArrayList<>(byOffset.values());
        out.sort(Comparator.comparingLong(e -> index.location(e).offset()));
        return out;
    }

    /** The pack's entries as a pack header lists them (for a new index object recording it). */
    public static List<PackEntry> packEntries(MasterIndex index, Pack pack) {
        List<PackEntry> out = new ArrayList<>(pack.entries().size());
        for (int e : pack.entries()) {
            BlobLocation l = index.location(e);
            out.add(new PackEntry(l.id(), l.type(), l.offset(), l.length(), l.rawLength()));
        }
        return out;
    }

    /** The live entries of a pack to repack. */
    public static List<Integer> liveEntries(MasterIndex index, EntryBits marked, Set<BlobId> spared, Pack pack) {
        List<Integer> out = new ArrayList<>();
        Set<BlobId> taken = new HashSet<>();
        for (int e : pack.entries()) {
            BlobLocation l = index.location(e);
            if (isLive(index, marked, spared, e, l) && taken.add(l.id())) {
                out.add(e);
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

    /** The size of a pack of these entries, as the vault computes it. */
    public static long packSize(List<PackEntry> entries) {
        long records = 0;
        for (PackEntry e : entries) {
            records += e.length();
        }
        return Vault.packSize(entries.size(), records);
    }
}
