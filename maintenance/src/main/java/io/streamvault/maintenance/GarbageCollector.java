package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.maintenance.internal.EntryBits;
import io.streamvault.maintenance.internal.Marker;
import io.streamvault.maintenance.internal.PackPlan;
import io.streamvault.maintenance.internal.ReadPool;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Garbage collection: deletes the packs no snapshot uses, repacks packs that are mostly unused, and
 * consolidates the index, while backups run. The protocol, its order of writes and deletions, and
 * why no snapshot sealed before, during or after a run loses a blob: docs/gc.md. Everything it
 * deletes goes through {@link Vault#delete}; what it must ask the pipeline goes through the
 * {@link GcCoordinator}. Every step is idempotent: a run that was killed is completed by the next.
 */
public final class GarbageCollector {
    /** Most blob entries one new index object records (about 22 MB of plaintext). */
    static final int ENTRIES_PER_INDEX = 500_000;

    /**
     * @param maxUnused the share of the packs' bytes that may stay unused (0 to 1): the most unused
     *     packs are repacked until no more than this is left, as restic's {@code prune --max-unused}
     * @param fenceAfter fence a backup that started before the run and is still running after this
     *     long (null: wait for it however long it runs)
     * @param dryRun plan only: nothing is forgotten, written or deleted
     * @param packsPerIndex most packs one new index object records
     * @param packBytes size of the new packs a repack writes
     * @param threads parallel storage reads
     */
    public record Options(double maxUnused, Duration fenceAfter, boolean dryRun, int packsPerIndex, long packBytes,
            int threads) {
        public Options {
            if (!(maxUnused >= 0 && maxUnused <= 1)) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--max-unused must be between 0% and 100%");
            }
            if (packsPerIndex < 1 || packBytes < 1 || threads < 1) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "packsPerIndex, packBytes and threads must be positive");
            }
        }

        /** At most 5% unused, never fence, 5,000 packs per index object, 16 MiB packs, 8 reads at once. */
        public static Options defaults() {
            return new Options(0.05, null, false, 5000, 16L << 20, 8);
        }

        public Options withMaxUnused(double v) {
            return new Options(v, fenceAfter, dryRun, packsPerIndex, packBytes, threads);
        }

        public Options withFenceAfter(Duration d) {
            return new Options(maxUnused, d, dryRun, packsPerIndex, packBytes, threads);
        }

        public Options withDryRun(boolean b) {
            return new Options(maxUnused, fenceAfter, b, packsPerIndex, packBytes, threads);
        }

        public Options withPacksPerIndex(int n) {
            return new Options(maxUnused, fenceAfter, dryRun, n, packBytes, threads);
        }
    }

    /** What a run is doing: a phase, and how far it is in it (done of total, total 0 when unknown). */
    public interface Progress {
        void update(String phase, long done, long total);

        /** A line for the user (what the run waits for, what it skipped). */
        default void note(String line) {
        }

        static Progress none() {
            return (phase, done, total) -> { };
        }
    }

    /**
     * What a run did (or, dry, would do). Bytes are as the storage holds them.
     *
     * @param bytesFreed the vault's size before minus after: packs and index objects deleted, minus
     *     the new packs and index objects written and what the capacity record of the run added
     *     (unless the record is written after the run: see the constructor)
     */
    public record Result(String run, boolean dryRun, int snapshots, long blobsForgotten, long blobsSpared,
            int packsBefore, int packsDeleted, int packsRepacked, int packsKept, int unindexedPacksDeleted,
            int packsWritten, int indexObjectsBefore, int indexObjectsAfter, long bytesBefore, long bytesFreed,
            long durationMs) {
    }

    private final Vault vault;
    private final GcCoordinator coordinator;
    private final Options options;
    private final Executor recordOn;

    /** A collector that writes its capacity record itself, before {@link #run} returns. */
    public GarbageCollector(Vault vault, GcCoordinator coordinator, Options options) {
        this(vault, coordinator, options, null);
    }

    /**
     * @param recordOn where the capacity record after the run is written (docs/capacity.md): null, by
     *     the run itself before it returns; else handed to this executor (an agent's), so that the
     *     command waits only for the collection. The result's {@code bytes_freed} then does not count
     *     the record, which is written after.
     */
    public GarbageCollector(Vault vault, GcCoordinator coordinator, Options options, Executor recordOn) {
        this.vault = vault;
        this.coordinator = coordinator;
        this.options = options;
        this.recordOn = recordOn;
    }

    public Result run(Progress progress) {
        long start = System.nanoTime();
        String run = UUID.randomUUID().toString();
        coordinator.fence(run); // before anything is listed: an earlier collector deletes no more
        // The catalog tasks answer STRICT_ON while the index is loaded and the snapshots are listed and
        // marked: the answers are awaited before anything is condemned (docs/gc.md, steps 2 to 5).
        CompletableFuture<Void> beginning = CompletableFuture.runAsync(() -> coordinator.begin(run), task -> {
            Thread t = new Thread(task, "gc-begin");
            t.setDaemon(true);
            t.start();
        });
        Result r;
        try (ReadPool pool = new ReadPool(options.threads())) {
            progress.update("loading the index", 0, 0);
            r = collect(run, vault.loadIndex(), pool, progress, start, () -> join(beginning));
        } catch (RuntimeException | Error e) {
            // (an Error too: the begin's thread must be done with the coordinator, and the catalog tasks
            // told to reuse trees again, before the caller closes it)
            if (begun(beginning)) {
                coordinator.end(run);
            }
            throw e;
        }
        coordinator.end(run);
        if (r.dryRun() || changedNothing(r) && !unrecordedChange()) {
            return r;
        }
        if (recordOn == null) {
            return recordCapacity(r, progress);
        }
        recordOn.execute(() -> recordCapacity(r, Progress.none()));
        return r;
    }

    /** Waits for the run's begin; true when it succeeded (so the run must be ended), false when it failed. */
    private static boolean begun(CompletableFuture<Void> beginning) {
        try {
            beginning.join();
            return true;
        } catch (CompletionException | CancellationException e) {
            return false;
        }
    }

    /**
     * True when the packs' bytes differ from what the last capacity record says. A collection killed
     * after its deletions and before its record leaves the record to the next run, which may find
     * nothing left to do (docs/capacity.md); a backup that runs meanwhile only adds a record.
     */
    private boolean unrecordedChange() {
        try {
            List<CapacityHistory.Entry> all = CapacityHistory.read(vault, null, e -> { });
            if (all.isEmpty()) {
                return false;
            }
            Long recorded = all.get(all.size() - 1).capacity().byKind().get(ObjectKind.PACK);
            return recorded == null || recorded != vault.list(ObjectKind.PACK).bytes();
        } catch (RuntimeException e) {
            return false; // the record is never worth failing a run
        }
    }

    /** A run that found nothing to delete and an index consolidated already wrote and deleted nothing. */
    private static boolean changedNothing(Result r) {
        return r.packsDeleted() + r.packsRepacked() + r.unindexedPacksDeleted() + r.packsWritten() == 0
                && r.indexObjectsAfter() == r.indexObjectsBefore() && r.bytesFreed() == 0;
    }

    /**
     * Records the vault's capacity after the run and merges the capacity history's documents
     * (docs/capacity.md); neither ever fails the run. What they add to the vault is taken off the bytes
     * freed, which stay what the storage lost.
     */
    private Result recordCapacity(Result r, Progress progress) {
        progress.update("recording the vault's capacity", 0, 0);
        long before = vault.list(ObjectKind.CAPACITY).bytes();
        CapacityHistory.recordQuietly(vault, CapacityHistory.Trigger.GC, List.of(), r.run());
        CapacityHistory.compactQuietly(vault);
        long grown = vault.list(ObjectKind.CAPACITY).bytes() - before;
        return new Result(r.run(), false, r.snapshots(), r.blobsForgotten(), r.blobsSpared(), r.packsBefore(),
                r.packsDeleted(), r.packsRepacked(), r.packsKept(), r.unindexedPacksDeleted(), r.packsWritten(),
                r.indexObjectsBefore(), r.indexObjectsAfter(), r.bytesBefore(), r.bytesFreed() - grown, r.durationMs());
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * The run after its index is loaded. {@code begun} waits until every catalog task has stopped
     * reusing trees (and throws what the begin threw): the snapshots may be listed and marked before,
     * since a snapshot sealed while the tasks answer is sealed by a job the barrier waits for, so it is
     * marked with those sealed meanwhile.
     */
    private Result collect(String run, MasterIndex index, ReadPool pool, Progress progress, long start,
            Runnable begun) {
        Set<String> indexObjects = new HashSet<>(index.indexObjects());
        Map<String, Long> sizes = new HashMap<>();
        for (VaultObject o : vault.list(ObjectKind.PACK).objects()) {
            sizes.put(o.id(), o.size());
        }
        long indexBytes = 0;
        for (VaultObject o : vault.list(ObjectKind.INDEX).objects()) {
            if (indexObjects.contains(o.name())) {
                indexBytes += o.size();
            }
        }
        List<SnapshotRef> before = snapshots();

        Marker marker = new Marker(vault, index, pool);
        mark(marker, before, progress, "marking");

        Set<String> indexedPacks = new HashSet<>();
        for (int p = 0; p < index.packCount(); p++) {
            indexedPacks.add(index.packId(p));
        }
        Map<String, List<PackEntry>> unindexed = unindexedPacks(sizes, indexedPacks, pool, progress);

        Set<BlobId> spared;
        long[] forgotten = {0};
        begun.run();
        if (options.dryRun()) {
            spared = Set.of();
        } else {
            progress.update("forgetting unused chunks", 0, 0);
            spared = coordinator.forget(run, unusedDataIds(index, marker.marked(), unindexed, forgotten));
            progress.update("waiting for backups that started before the collection", 0, 0);
            coordinator.awaitEarlierJobs(run, options.fenceAfter(), progress::note);
            List<SnapshotRef> after = snapshots();
            Set<String> known = new HashSet<>();
            before.forEach(s -> known.add(s.id()));
            List<SnapshotRef> sealedSince = new ArrayList<>();
            for (SnapshotRef s : after) {
                if (!known.contains(s.id())) {
                    sealedSince.add(s);
                }
            }
            mark(marker, sealedSince, progress, "marking snapshots sealed meanwhile");
            checkUnindexedLive(marker.unindexed());
        }

        PackPlan plan = PackPlan.of(index, marker.marked(), spared, sizes, options.maxUnused());
        Set<String> recorded = options.dryRun() ? Set.of() : packsIndexedSince(indexObjects);
        List<String> orphansToDelete = new ArrayList<>();
        Set<BlobId> keepIds = new HashSet<>(spared);
        keepIds.addAll(marker.unindexed());
        for (Map.Entry<String, List<PackEntry>> u : unindexed.entrySet()) {
            if (!recorded.contains(u.getKey()) && u.getValue().stream().noneMatch(p -> keepIds.contains(p.id()))) {
                orphansToDelete.add(u.getKey());
            }
        }
        int packsBefore = sizes.size();
        long bytesBefore = 0;
        for (long s : sizes.values()) {
            bytesBefore += s;
        }
        bytesBefore += indexBytes;
        if (options.dryRun()) {
            long freed = PackPlan.bytes(plan.delete()) + repackSavings(marker.marked(), spared, plan);
            for (String o : orphansToDelete) {
                freed += sizes.get(o);
            }
            return new Result(run, true, before.size(), 0, 0, packsBefore, plan.delete().size(), plan.repack().size(),
                    plan.keep().size(), orphansToDelete.size(), 0, indexObjects.size(), indexObjects.size(), bytesBefore,
                    freed, (System.nanoTime() - start) / 1_000_000);
        }

        int consolidated = (plan.keep().size() + options.packsPerIndex() - 1) / options.packsPerIndex();
        long keptEntries = 0;
        for (PackPlan.Pack p : plan.keep()) {
            keptEntries += p.count();
        }
        consolidated = Math.max(consolidated, (int) ((keptEntries + ENTRIES_PER_INDEX - 1) / ENTRIES_PER_INDEX));
        if (plan.delete().isEmpty() && plan.repack().isEmpty() && plan.missing().isEmpty() && orphansToDelete.isEmpty()
                && indexObjects.size() <= Math.max(1, consolidated)) {
            // nothing to delete and the index is consolidated already: writing it again would only churn
            return new Result(run, false, before.size(), forgotten[0], spared.size(), packsBefore, 0, 0,
                    plan.keep().size(), 0, 0, indexObjects.size(), indexObjects.size(), bytesBefore, 0,
                    (System.nanoTime() - start) / 1_000_000);
        }
        coordinator.checkOwner(run);
        Repacked written = repack(marker.marked(), spared, plan, progress);
        List<String> newIndex = new ArrayList<>(written.index());
        newIndex.addAll(writeIndex(plan, progress));
        long writtenBytes = written.bytes();
        for (String name : newIndex) {
            writtenBytes += vault.stat(ObjectKind.INDEX, ObjectKind.INDEX.idOf(name)).map(VaultObject::size).orElse(0L);
        }

        // Delete: the old index objects first (so no index records a pack about to go), then the packs.
        List<VaultObject> doomed = new ArrayList<>();
        for (String name : indexObjects) {
            if (!newIndex.contains(name)) {
                doomed.add(new VaultObject(ObjectKind.INDEX, ObjectKind.INDEX.idOf(name), 0));
            }
        }
        int firstPack = doomed.size();
        for (PackPlan.Pack p : plan.delete()) {
            doomed.add(new VaultObject(ObjectKind.PACK, p.id(), p.size()));
        }
        for (PackPlan.Pack p : plan.repack()) {
            doomed.add(new VaultObject(ObjectKind.PACK, p.id(), p.size()));
        }
        for (String o : orphansToDelete) {
            doomed.add(new VaultObject(ObjectKind.PACK, o, sizes.get(o)));
        }
        delete(run, doomed, firstPack, progress);
        if (!plan.repack().isEmpty() && vault.locks().serviceSupport().supported()) {
            // live blobs of locked snapshots moved into new packs: the storage service holds those too
            progress.update("asking the storage service to hold the new packs", 0, 0);
            Immutability.sync(vault, 4);
        }
        long freedBytes = indexBytes + PackPlan.bytes(plan.delete()) + PackPlan.bytes(plan.repack()) - writtenBytes;
        for (String o : orphansToDelete) {
            freedBytes += sizes.get(o);
        }
        return new Result(run, false, before.size(), forgotten[0], spared.size(), packsBefore, plan.delete().size(),
                plan.repack().size(), plan.keep().size(), orphansToDelete.size(), written.packs(), indexObjects.size(),
                newIndex.size(), bytesBefore, freedBytes, (System.nanoTime() - start) / 1_000_000);
    }

    private List<SnapshotRef> snapshots() {
        try {
            return vault.listSnapshots();
        } catch (StreamVaultException e) {
            if (e.retryable()) {
                throw e;
            }
            throw new FatalException(ErrorCode.VAULT_DAMAGED, e.getMessage() + "; garbage collection deletes nothing"
                    + " while a snapshot cannot be read (forget it by id, or run check)", e);
        }
    }

    private static void mark(Marker marker, List<SnapshotRef> snapshots, Progress progress, String phase) {
        List<BlobId> roots = new ArrayList<>();
        for (SnapshotRef s : snapshots) {
            roots.add(s.snapshot().tree());
        }
        progress.update(phase, 0, 0);
        marker.mark(roots, () -> progress.update(phase, marker.treesRead(), 0));
    }

    /** Packs the storage holds that no loaded index object records, with their headers' entries. */
    private Map<String, List<PackEntry>> unindexedPacks(Map<String, Long> sizes, Set<String> indexed, ReadPool pool,
            Progress progress) {
        List<String> ids = new ArrayList<>();
        for (String id : sizes.keySet()) {
            if (!indexed.contains(id)) {
                ids.add(id);
            }
        }
        ids.sort(null);
        Map<String, List<PackEntry>> out = new HashMap<>();
        progress.update("reading unindexed packs", 0, ids.size());
        List<List<PackEntry>> headers = pool.map(ids, id -> {
            try {
                return vault.readPackHeader(id);
            } catch (StreamVaultException e) {
                if (e.retryable()) {
                    throw e;
                }
                return null;
            }
        });
        for (int i = 0; i < ids.size(); i++) {
            if (headers.get(i) == null) {
                progress.note("pack " + ids.get(i) + " is in no index and its header cannot be read: left as it is");
            } else {
                out.put(ids.get(i), headers.get(i));
            }
        }
        return out;
    }

    /**
     * The unmarked data ids of the index (each once), then those of unindexed packs that the index
     * does not record, lazily, so millions of ids are never held at once.
     */
    private static Iterator<BlobId> unusedDataIds(MasterIndex index, EntryBits marked,
            Map<String, List<PackEntry>> unindexed, long[] count) {
        List<BlobId> extra = new ArrayList<>();
        Set<BlobId> seen = new HashSet<>();
        for (List<PackEntry> entries : unindexed.values()) {
            for (PackEntry p : entries) {
                if (p.type() == BlobType.DATA && index.entryOf(p.id(), BlobType.DATA) < 0 && seen.add(p.id())) {
                    extra.add(p.id());
                }
            }
        }
        return new Iterator<>() {
            int e = -1;
            int x = 0;
            BlobId next = advance();

            private BlobId advance() {
                while (++e < index.entryCount()) {
                    if (marked.get(e) || index.typeOf(e) != BlobType.DATA) {
                        continue;
                    }
                    BlobLocation l = index.location(e);
                    if (l.type() == BlobType.DATA && index.entryOf(l.id(), BlobType.DATA) == e) {
                        return l.id();
                    }
                }
                return x < extra.size() ? extra.get(x++) : null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public BlobId next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                BlobId out = next;
                count[0]++;
                next = advance();
                return out;
            }
        };
    }

    /** Every blob a snapshot reaches that the loaded index did not record must be in the index now. */
    private void checkUnindexedLive(Set<BlobId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        MasterIndex now = vault.loadIndex();
        int lost = 0;
        for (BlobId id : ids) {
            if (now.find(id).isEmpty()) {
                lost++;
            }
        }
        if (lost > 0) {
            throw new FatalException(ErrorCode.VAULT_DAMAGED, lost + " blobs that snapshots use are in no index of the"
                    + " vault; garbage collection deletes nothing in a damaged vault: run check");
        }
    }

    /** Packs recorded by index objects written since the run loaded the index (by backups meanwhile). */
    private Set<String> packsIndexedSince(Set<String> loaded) {
        Set<String> out = new HashSet<>();
        for (String name : vault.listIndex()) {
            if (!loaded.contains(name)) {
                vault.readIndex(name, l -> out.add(l.pack()));
            }
        }
        return out;
    }

    /** What the repack wrote: the index objects recording its new packs, how many packs, their bytes. */
    private record Repacked(List<String> index, int packs, long bytes) {
    }

    /**
     * Copies the live blobs of the packs to repack into new packs, record by record (one read per
     * pack), and records the new packs in index objects of at most {@link #ENTRIES_PER_INDEX} blobs as
     * it goes, so that the entries of millions of moved blobs are never held at once. They add entries
     * only (the old index objects go after the whole new index is written), so a run killed here
     * leaves blobs recorded in two packs, which the next run treats as it treats any duplicate.
     */
    private Repacked repack(EntryBits marked, Set<BlobId> spared, PackPlan plan, Progress progress) {
        List<String> index = new ArrayList<>();
        List<PackInfo> pending = new ArrayList<>();
        long pendingEntries = 0;
        int packs = 0;
        long bytes = 0;
        PackBuilder pack = vault.newPack();
        int done = 0;
        for (PackPlan.Pack p : plan.repack()) {
            for (EncodedBlob record : vault.readRecords(plan.liveLocations(marked, spared, p))) {
                pack.add(record);
                if (pack.size() >= options.packBytes()) {
                    PackInfo info = vault.writePack(pack);
                    pack = vault.newPack();
                    packs++;
                    bytes += info.size();
                    pending.add(info);
                    pendingEntries += info.entries().size();
                    if (pending.size() >= options.packsPerIndex() || pendingEntries >= ENTRIES_PER_INDEX) {
                        index.add(vault.writeIndex(pending));
                        pending = new ArrayList<>();
                        pendingEntries = 0;
                    }
                }
            }
            progress.update("repacking", ++done, plan.repack().size());
        }
        if (pack.count() > 0) {
            PackInfo info = vault.writePack(pack);
            packs++;
            bytes += info.size();
            pending.add(info);
        }
        if (!pending.isEmpty()) {
            index.add(vault.writeIndex(pending));
        }
        return new Repacked(index, packs, bytes);
    }

    private long repackSavings(EntryBits marked, Set<BlobId> spared, PackPlan plan) {
        long saved = 0;
        for (PackPlan.Pack p : plan.repack()) {
            long live = 0;
            int n = 0;
            for (BlobLocation l : plan.liveLocations(marked, spared, p)) {
                live += l.length();
                n++;
            }
            saved += p.size() - Vault.packSize(n, live);
        }
        return saved;
    }

    /**
     * New index objects recording every kept pack (the repack recorded its own new packs), at most
     * {@code packsPerIndex} packs and {@link #ENTRIES_PER_INDEX} blobs per object; the kept packs'
     * entries are made one object at a time, so memory holds one object's worth. Returns their names.
     */
    private List<String> writeIndex(PackPlan plan, Progress progress) {
        List<PackPlan.Pack> kept = new ArrayList<>(plan.keep());
        kept.sort((a, b) -> a.id().compareTo(b.id()));
        List<String> names = new ArrayList<>();
        List<PackInfo> batch = new ArrayList<>();
        long entries = 0;
        for (PackPlan.Pack p : kept) {
            if (!batch.isEmpty() && (batch.size() >= options.packsPerIndex() || entries + p.count() > ENTRIES_PER_INDEX)) {
                names.add(vault.writeIndex(batch));
                progress.update("writing the index", names.size(), 0);
                batch = new ArrayList<>();
                entries = 0;
            }
            batch.add(new PackInfo(p.id(), p.size(), plan.packEntries(p)));
            entries += p.count();
        }
        if (!batch.isEmpty()) {
            names.add(vault.writeIndex(batch));
        }
        return names;
    }

    /** Deletes in order, asking the coordinator before each batch whether this run still owns the role. */
    private void delete(String run, List<VaultObject> doomed, int firstPack, Progress progress) {
        int batch = 500;
        int held = 0;
        for (int i = 0; i < doomed.size(); i++) {
            if (i % batch == 0 || i == firstPack) {
                coordinator.checkOwner(run);
            }
            VaultObject o = doomed.get(i);
            try {
                vault.delete(o.kind(), o.id());
            } catch (FatalException e) {
                if (e.code() != ErrorCode.VAULT_LOCKED) {
                    throw e;
                }
                held++; // the storage service's immutability policy outlives the snapshots (expiries round up)
            }
            progress.update("deleting", i + 1, doomed.size());
        }
        if (held > 0) {
            progress.note(held + " unused objects are still held by the storage service's immutability policies"
                    + " (docs/lock.md); a later collection deletes them once the policies expire");
        }
    }
}
