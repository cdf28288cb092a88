package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.internal.EntryBits;
import io.streamvault.maintenance.internal.ReadPool;
import io.streamvault.maintenance.internal.SnapshotGraph;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each snapshot holds and what the vault stores (docs/gc.md, "What each snapshot holds").
 * Reads every tree once; needs only the vault. "Stored" bytes are as the storage holds them
 * (compressed, encrypted, with their records' overhead); "raw" bytes are the blobs' plaintext;
 * "logical" bytes are the sizes of the files the snapshots hold.
 */
public final class Stats {
    /**
     * One snapshot.
     *
     * @param logicalBytes the bytes of its files (a file that occurs twice counts twice)
     * @param storedBytes the stored bytes of the distinct blobs (chunks and trees) it reaches
     * @param uniqueBytes the stored bytes of the blobs no other snapshot reaches: what forgetting it
     *     alone frees once garbage collection has run
     * @param addedBytes what its backup added to the vault (its summary's {@code data_added})
     */
    public record SnapshotStats(String id, long files, long logicalBytes, long storedBytes, long rawBytes,
            long uniqueBytes, long addedBytes) {
    }

    /**
     * The vault.
     *
     * @param storedBytes every object's size as the storage reports it: what capacity billing counts
     * @param byKind the same, by kind of object
     * @param referencedStoredBytes stored bytes of the blobs some snapshot reaches
     * @param referencedRawBytes plaintext bytes of those blobs
     * @param unusedBytes stored bytes of blobs no snapshot reaches: what garbage collection can free
     *     now (less what it keeps in packs below the repack threshold)
     * @param dedupRatio logical bytes of all snapshots / raw bytes of the blobs they reach
     * @param compressionRatio raw / stored bytes of the blobs the snapshots reach
     */
    public record VaultStats(int snapshots, long storedBytes, Map<ObjectKind, Long> byKind, long logicalBytes,
            long referencedStoredBytes, long referencedRawBytes, long unusedBytes, double dedupRatio,
            double compressionRatio) {
    }

    /**
     * @param capacity the plans' shares of the stored capacity, from the same listing as {@code vault}
     *     (null where a result is made without one)
     */
    public record Result(VaultStats vault, List<SnapshotStats> snapshots, Capacity capacity) {
        public Result(VaultStats vault, List<SnapshotStats> snapshots) {
            this(vault, snapshots, null);
        }
    }

    private final Vault vault;
    private final MasterIndex index;
    private final SnapshotGraph graph;

    private Stats(Vault vault, MasterIndex index, SnapshotGraph graph) {
        this.vault = vault;
        this.index = index;
        this.graph = graph;
    }

    /** Loads the index and every snapshot's trees; {@code progress} is run now and then. */
    public static Stats load(Vault vault, int threads, Runnable progress) {
        for (int attempt = 1;; attempt++) {
            // Snapshots first: every blob a listed snapshot reaches was indexed before it was written,
            // so an index loaded afterwards records it, whatever backups seal meanwhile.
            List<SnapshotRef> snapshots = vault.listSnapshots();
            MasterIndex index = vault.loadIndex();
            try (ReadPool pool = new ReadPool(threads)) {
                return new Stats(vault, index, SnapshotGraph.load(vault, index, snapshots, pool, progress));
            } catch (FatalException e) {
                // a snapshot forgotten and collected between the two reads looks damaged: look again once
                if (e.code() != ErrorCode.VAULT_DAMAGED || attempt == 2) {
                    throw e;
                }
            }
        }
    }

    public List<SnapshotRef> snapshots() {
        List<SnapshotRef> out = new ArrayList<>();
        for (int i = 0; i < graph.size(); i++) {
            out.add(graph.snapshot(i));
        }
        return out;
    }

    /** Statistics of every snapshot and of the vault. */
    public Result compute() {
        int n = graph.size();
        int[] owner = new int[index.entryCount()];
        Arrays.fill(owner, -1);
        long[] stored = new long[n];
        long[] raw = new long[n];
        for (int i = 0; i < n; i++) {
            int s = i;
            graph.walk(i, new EntryBits(index.entryCount()), e -> {
                BlobLocation l = index.location(e);
                stored[s] += l.length();
                raw[s] += l.rawLength();
                owner[e] = owner[e] == -1 || owner[e] == s ? s : -2;
            });
        }
        long[] unique = new long[n];
        long refStored = 0;
        long refRaw = 0;
        long unused = 0;
        for (int e = 0; e < owner.length; e++) {
            BlobLocation l = index.location(e);
            if (owner[e] == -1) {
                unused += l.length();
                continue;
            }
            refStored += l.length();
            refRaw += l.rawLength();
            if (owner[e] >= 0) {
                unique[owner[e]] += l.length();
            }
        }
        List<SnapshotStats> out = new ArrayList<>();
        long logical = 0;
        for (int i = 0; i < n; i++) {
            SnapshotRef r = graph.snapshot(i);
            long[] l = graph.logical(i);
            logical += l[0];
            Long added = r.snapshot().summary().get("data_added");
            out.add(new SnapshotStats(r.id(), l[1], l[0], stored[i], raw[i], unique[i], added == null ? 0 : added));
        }
        Capacity capacity = capacity();
        VaultStats v = new VaultStats(n, capacity.storedBytes(), capacity.byKind(), logical, refStored,
                refRaw, unused, refRaw == 0 ? 1 : (double) logical / refRaw,
                refStored == 0 ? 1 : (double) refRaw / refStored);
        return new Result(v, out, capacity);
    }

    /** The stored capacity and the plans' shares of it (lists every object; see {@link Capacity}). */
    public Capacity capacity() {
        return Capacity.of(vault, index, graph);
    }

    /**
     * The stored bytes of the blobs that only the given snapshots reach: what forgetting them frees
     * once garbage collection has run (besides what is unused already).
     */
    public long freedBy(Collection<String> removed) {
        Set<String> gone = new HashSet<>(removed);
        EntryBits kept = new EntryBits(index.entryCount());
        for (int i = 0; i < graph.size(); i++) {
            if (!gone.contains(graph.snapshot(i).id())) {
                graph.walk(i, kept, e -> { });
            }
        }
        long[] freed = {0};
        EntryBits seen = new EntryBits(index.entryCount());
        for (int i = 0; i < graph.size(); i++) {
            if (gone.contains(graph.snapshot(i).id())) {
                graph.walk(i, seen, e -> {
                    if (!kept.get(e)) {
                        freed[0] += index.location(e).length();
                    }
                });
            }
        }
        return freed[0];
    }
}
