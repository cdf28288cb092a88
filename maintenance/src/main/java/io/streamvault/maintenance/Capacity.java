package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.maintenance.internal.EntryBits;
import io.streamvault.maintenance.internal.OwnerSets;
import io.streamvault.maintenance.internal.ShareSplit;
import io.streamvault.maintenance.internal.SnapshotGraph;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultListing;
import io.streamvault.vault.VaultObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The vault's stored capacity, measured once, and how it divides among the plans whose snapshots hold
 * it (docs/capacity.md). The shares add up exactly to {@link #storedBytes}: each plan's unique bytes
 * and its equal part of what it shares with other plans (or with snapshots no plan made), then the
 * bytes of snapshots no plan made ({@value #NO_PLAN}), the blobs no snapshot reaches ({@value #UNUSED})
 * and everything else the vault stores ({@value #METADATA}: index, snapshot and other objects, pack
 * headers).
 *
 * @param snapshots the snapshots measured
 * @param storedBytes every object's size as the storage reports it (all kinds): what capacity billing counts
 * @param byKind the same by kind
 * @param logicalBytes the bytes of the files of all snapshots (a file in two snapshots counts twice)
 * @param referencedStoredBytes stored bytes of the blobs some snapshot reaches
 * @param referencedRawBytes their plaintext bytes
 * @param unusedBytes stored bytes of the blobs no snapshot reaches (garbage collection frees them)
 * @param shares the plans' shares by name, then the three other buckets; they add up to storedBytes
 */
public record Capacity(int snapshots, long storedBytes, Map<ObjectKind, Long> byKind, long logicalBytes,
        long referencedStoredBytes, long referencedRawBytes, long unusedBytes, List<Share> shares) {
    /** A snapshot made by plan NAME carries the tag {@code plan:NAME}. */
    public static final String PLAN_TAG = "plan:";
    /**
     * What a plan may be named (the plans module checks names by it): 1-64 of a-z 0-9 . _ - starting
     * with a letter or digit. A tag {@code plan:X} whose X breaks it is an ordinary tag, so no tag can
     * pose as a bucket such as {@code (unused)} or break the history's CSV.
     */
    public static final Pattern PLAN_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** The bucket of the snapshots no plan made. */
    public static final String NO_PLAN = "(no plan)";
    /** The bucket of the blobs no snapshot reaches. */
    public static final String UNUSED = "(unused)";
    /** The bucket of the rest: index, snapshot, key, dictionary, lock, plan and capacity objects, pack headers. */
    public static final String METADATA = "(metadata)";

    /** What a share is of. */
    public enum Kind {
        PLAN, NO_PLAN, UNUSED, METADATA;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One plan's share of the stored capacity, or one of the other buckets.
     *
     * @param storedBytes unique + shared
     * @param uniqueBytes stored bytes of the blobs only this plan's snapshots reach (for the other
     *     buckets, all of storedBytes)
     * @param sharedBytes its part of the blobs it shares: each such blob split equally among the plans
     *     (and the no-plan bucket) that reach it
     */
    public record Share(String name, Kind kind, long storedBytes, long uniqueBytes, long sharedBytes) {
    }

    /**
     * A price per GB-month, GB being 2^30 bytes as AWS and Azure count it in their storage prices.
     *
     * @param perGbMonth price of one GB stored for a month (0: no price set)
     * @param currency what it is in, for display only
     */
    public record Price(double perGbMonth, String currency) {
        public static final long GB = 1L << 30;

        /** The price {@code billing.price.per.gb.month} and {@code billing.currency} set. */
        public static Price of(StreamVaultConfig config) {
            return new Price(config.getDouble(StreamVaultConfig.BILLING_PRICE_PER_GB_MONTH),
                    config.getString(StreamVaultConfig.BILLING_CURRENCY));
        }

        /** What {@code bytes} cost for a month at this price. */
        public double monthly(long bytes) {
            return bytes / (double) GB * perGbMonth;
        }
    }

    public Capacity {
        Map<ObjectKind, Long> kinds = new EnumMap<>(ObjectKind.class);
        kinds.putAll(byKind);
        byKind = Collections.unmodifiableMap(kinds);
        shares = List.copyOf(shares);
    }

    /** Logical bytes / plaintext bytes of the blobs the snapshots reach (1 when none). */
    public double dedupRatio() {
        return referencedRawBytes == 0 ? 1 : (double) logicalBytes / referencedRawBytes;
    }

    /** Plaintext / stored bytes of the blobs the snapshots reach (1 when none). */
    public double compressionRatio() {
        return referencedStoredBytes == 0 ? 1 : (double) referencedRawBytes / referencedStoredBytes;
    }

    /** Measures the vault now: its index, every snapshot's trees (each distinct tree read once), every object's size. */
    /**
     * How many times a measurement is taken again when a collection rewrote the index meanwhile (its
     * repacked blobs would count as metadata rather than in the plans' shares).
     */
    static final int MEASURE_ATTEMPTS = 3;

    public static Capacity measure(Vault vault, int threads) {
        Capacity c = null;
        for (int attempt = 1; attempt <= MEASURE_ATTEMPTS; attempt++) {
            Set<String> before = new HashSet<>(vault.listIndex());
            c = Stats.load(vault, threads, () -> { }).capacity();
            if (before.equals(new HashSet<>(vault.listIndex()))) {
                return c; // no collection rewrote the index meanwhile: the shares are those of one state
            }
        }
        return c; // a collection kept rewriting it: what moved counts as metadata (see of)
    }

    /**
     * From a loaded index and snapshot graph: one walk per owner (each plan, and the snapshots no
     * plan made) marks what its snapshots reach; then the objects are listed. An index entry in a pack
     * the listing does not have (a collection deleted it meanwhile) is not counted, so no bucket is
     * ever negative: what moved meanwhile counts as metadata.
     */
    static Capacity of(Vault vault, MasterIndex index, SnapshotGraph graph) {
        Map<String, List<Integer>> byPlan = new TreeMap<>();
        List<Integer> noPlan = new ArrayList<>();
        long logical = 0;
        for (int i = 0; i < graph.size(); i++) {
            boolean planned = false;
            for (String tag : graph.snapshot(i).snapshot().tags()) {
                if (tag.startsWith(PLAN_TAG) && PLAN_NAME.matcher(tag.substring(PLAN_TAG.length())).matches()) {
                    byPlan.computeIfAbsent(tag.substring(PLAN_TAG.length()), k -> new ArrayList<>()).add(i);
                    planned = true;
                }
            }
            if (!planned) {
                noPlan.add(i);
            }
            logical += graph.logical(i)[0];
        }
        List<String> owners = new ArrayList<>(byPlan.keySet());
        List<List<Integer>> members = new ArrayList<>(byPlan.values());
        owners.add(NO_PLAN);
        members.add(noPlan);
        OwnerSets sets = new OwnerSets(index.entryCount());
        for (int o = 0; o < owners.size(); o++) {
            int owner = o;
            EntryBits reached = new EntryBits(index.entryCount());
            for (int i : members.get(o)) {
                graph.walk(i, reached, e -> sets.reach(e, owner));
            }
        }

        Map<ObjectKind, Long> byKind = new EnumMap<>(ObjectKind.class);
        long total = 0;
        Set<String> packs = new HashSet<>();
        for (ObjectKind k : ObjectKind.values()) {
            VaultListing l = vault.list(k);
            byKind.put(k, l.bytes());
            total += l.bytes();
            if (k == ObjectKind.PACK) {
                l.objects().forEach((VaultObject p) -> packs.add(p.id()));
            }
        }
        boolean[] listed = new boolean[index.packCount()];
        for (int p = 0; p < listed.length; p++) {
            listed[p] = packs.contains(index.packId(p));
        }
        long[] perSet = new long[sets.sets()];
        long refStored = 0;
        long refRaw = 0;
        for (int e = 0; e < index.entryCount(); e++) {
            if (!listed[index.packOf(e)]) {
                continue;
            }
            int s = sets.setOf(e);
            perSet[s] += index.lengthOf(e);
            if (s != 0) {
                refStored += index.lengthOf(e);
                refRaw += index.location(e).rawLength();
            }
        }
        List<ShareSplit.Group> groups = new ArrayList<>();
        for (int s = 1; s < perSet.length; s++) {
            if (perSet[s] > 0) {
                groups.add(new ShareSplit.Group(sets.owners(s), perSet[s]));
            }
        }
        ShareSplit.Split split = ShareSplit.split(owners.size(), groups);
        List<Share> shares = new ArrayList<>();
        for (int o = 0; o < owners.size(); o++) {
            long u = split.unique()[o];
            long sh = split.shared()[o];
            shares.add(new Share(owners.get(o), o == owners.size() - 1 ? Kind.NO_PLAN : Kind.PLAN, u + sh, u, sh));
        }
        long unused = perSet[0];
        long metadata = total - refStored - unused;
        if (metadata < 0) {
            throw new FatalException(ErrorCode.VAULT_DAMAGED, "the index of " + vault.location() + " records "
                    + (refStored + unused) + " bytes of blobs in packs that hold " + byKind.get(ObjectKind.PACK)
                    + " bytes: run check");
        }
        shares.add(new Share(UNUSED, Kind.UNUSED, unused, unused, 0));
        shares.add(new Share(METADATA, Kind.METADATA, metadata, metadata, 0));
        return new Capacity(graph.size(), total, byKind, logical, refStored, refRaw, unused, shares);
    }
}
