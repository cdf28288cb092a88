package io.streamvault.maintenance;

import io.streamvault.maintenance.internal.EntryBits;
import io.streamvault.maintenance.internal.ReadPool;
import io.streamvault.maintenance.internal.SnapshotGraph;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Locks;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Protection;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Asks the storage service to enforce the backup lock too (docs/lock.md): every object a locked
 * snapshot needs gets an immutability policy expiring no earlier than the snapshot's retain-until
 * time, rounded up to a whole {@link #ROUND} (so that later snapshots reusing a pack rarely need a
 * new call), locked for compliance; every object a held snapshot needs gets a legal hold. An object
 * shared by several snapshots gets the latest time and the strongest mode. What a snapshot needs:
 * its snapshot object, the packs of every blob it reaches, every key and dictionary object, the
 * config and the lock records. Index objects are not held (garbage collection rewrites them; packs
 * carry their own headers, so {@code rebuild-index --read-packs} recovers them).
 */
public final class Immutability {
    /** What every snapshot needs besides its own objects: the keys, dictionaries and lock records (and the config). */
    private static final List<ObjectKind> SHARED = List.of(ObjectKind.KEY, ObjectKind.DICTIONARY, ObjectKind.LOCK);

    /** Expiries are rounded up to whole weeks since the epoch. */
    public static final Duration ROUND = Duration.ofDays(7);

    /**
     * What a run did.
     *
     * @param supported false when the storage service cannot hold objects (then nothing was asked)
     * @param objects objects given a policy (each asked once, the backend skips those already held long enough)
     * @param held objects given a legal hold
     */
    public record Result(boolean supported, String reason, int lockedSnapshots, int objects, int held) {
    }

    private record Want(Instant until, LockMode mode) {
        Want max(Want o) {
            return new Want(o.until.isAfter(until) ? o.until : until,
                    o.mode == LockMode.COMPLIANCE || mode == LockMode.COMPLIANCE ? LockMode.COMPLIANCE : LockMode.GOVERNANCE);
        }
    }

    private Immutability() {
    }

    /** {@code t} rounded up to a multiple of {@link #ROUND} since the epoch. */
    public static Instant roundUp(Instant t) {
        long r = ROUND.getSeconds();
        long s = t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0);
        return Instant.ofEpochSecond(Math.floorDiv(s + r - 1, r) * r);
    }

    /** Holds what every locked or held snapshot needs, as the class says. */
    public static Result sync(Vault vault, int threads) {
        return sync(vault, null, threads);
    }

    /**
     * Holds what one snapshot needs, if it is locked or held (a backup calls it for the snapshot it
     * sealed, which may reuse packs of older ones): nothing is asked when the service cannot hold
     * objects, so a local vault pays nothing.
     */
    public static Result syncOne(Vault vault, String snapshotId, int threads) {
        return sync(vault, snapshotId, threads);
    }

    private static Result sync(Vault vault, String only, int threads) {
        Locks locks = vault.locks();
        ImmutableStorage.Support support = locks.serviceSupport();
        if (!support.supported()) {
            return new Result(false, support.reason(), 0, 0, 0);
        }
        LockState state = locks.state();
        Instant now = locks.now();
        List<SnapshotRef> all = only == null ? vault.listSnapshots() : List.of(vault.loadSnapshot(only));
        List<SnapshotRef> locked = new ArrayList<>();
        for (SnapshotRef s : all) {
            if (state.protection(s).lockedAt(now)) {
                locked.add(s);
            }
        }
        if (locked.isEmpty()) {
            return new Result(true, null, 0, 0, 0);
        }
        Map<String, Want> packs = new HashMap<>();
        Set<String> heldPacks = new HashSet<>();
        Want widest = null;
        List<Set<String>> reached = packsOf(vault, locked, threads);
        for (int i = 0; i < locked.size(); i++) {
            Protection p = state.protection(locked.get(i));
            if (p.retainedAt(now)) {
                Want w = new Want(roundUp(p.retainUntil()), p.mode());
                widest = widest == null ? w : widest.max(w);
                locks.protectObject(ObjectKind.SNAPSHOT, p.snapshot(), w.until(), w.mode());
                reached.get(i).forEach(pack -> packs.merge(pack, w, Want::max));
            }
            if (!p.holds().isEmpty()) {
                locks.holdObject(ObjectKind.SNAPSHOT, p.snapshot(), true);
                heldPacks.addAll(reached.get(i));
            }
        }
        int objects = locked.size();
        for (Map.Entry<String, Want> e : packs.entrySet()) {
            locks.protectObject(ObjectKind.PACK, e.getKey(), e.getValue().until(), e.getValue().mode());
            objects++;
        }
        for (String pack : heldPacks) {
            locks.holdObject(ObjectKind.PACK, pack, true);
        }
        if (widest != null) {
            Want w = widest;
            objects += forShared(vault, (kind, id) -> locks.protectObject(kind, id, w.until(), w.mode()));
        }
        if (!heldPacks.isEmpty()) {
            holdShared(vault, true);
        }
        return new Result(true, null, locked.size(), objects, heldPacks.size());
    }

    /**
     * Clears the storage service's legal hold on the objects of a snapshot whose holds were released,
     * except those a snapshot still held needs. Returns how many objects were released.
     */
    public static int release(Vault vault, String snapshotId, int threads) {
        Locks locks = vault.locks();
        if (!locks.serviceSupport().supported()) {
            return 0;
        }
        LockState state = locks.state();
        List<SnapshotRef> involved = new ArrayList<>();
        SnapshotRef released = vault.loadSnapshot(snapshotId);
        involved.add(released);
        for (SnapshotRef s : vault.listSnapshots()) {
            if (!s.id().equals(released.id()) && !state.protection(s).holds().isEmpty()) {
                involved.add(s);
            }
        }
        List<Set<String>> reached = packsOf(vault, involved, threads);
        Set<String> mine = reached.get(0);
        Set<String> stillHeld = new HashSet<>();
        reached.subList(1, reached.size()).forEach(stillHeld::addAll);
        mine.removeAll(stillHeld);
        locks.holdObject(ObjectKind.SNAPSHOT, released.id(), false);
        if (involved.size() == 1) {
            holdShared(vault, false); // no snapshot is held any more
        }
        for (String pack : mine) {
            locks.holdObject(ObjectKind.PACK, pack, false);
        }
        return mine.size() + 1;
    }

    /** Sets or clears the legal hold of the objects every snapshot needs (keys, dictionaries, lock records, config). */
    private static void holdShared(Vault vault, boolean hold) {
        forShared(vault, (kind, id) -> vault.locks().holdObject(kind, id, hold));
    }

    /** Runs {@code action} on every object every snapshot needs besides its own; returns how many. */
    private static int forShared(Vault vault, BiConsumer<ObjectKind, String> action) {
        int n = 0;
        for (ObjectKind k : SHARED) {
            for (VaultObject o : vault.list(k).objects()) {
                action.accept(k, o.id());
                n++;
            }
        }
        action.accept(ObjectKind.CONFIG, "");
        return n + 1;
    }

    /** The packs each snapshot reaches (its trees and data), in the order given. */
    private static List<Set<String>> packsOf(Vault vault, List<SnapshotRef> snapshots, int threads) {
        MasterIndex index = vault.loadIndex();
        List<Set<String>> out = new ArrayList<>();
        try (ReadPool pool = new ReadPool(threads)) {
            SnapshotGraph graph = SnapshotGraph.load(vault, index, snapshots, pool, () -> { });
            for (int i = 0; i < graph.size(); i++) {
                Set<String> packs = new HashSet<>();
                graph.walk(i, new EntryBits(index.entryCount()), e -> packs.add(index.packId(index.packOf(e))));
                out.add(packs);
            }
        }
        return out;
    }
}
