package io.streamvault.copier;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the objects of a source vault to its copy on a target, byte for byte and create-only, and
 * keeps the write ordering on the target (docs/copies.md):
 * <ul>
 * <li>an index object is written only after every pack it records is on the target;</li>
 * <li>a snapshot is written only after every index object the source has at that moment (with its
 * packs), every dictionary, key and lock record is on the target. The source writes a snapshot
 * only after the index objects that record everything it reaches, and garbage collection writes
 * a new index before it deletes an old one; so the target then holds everything the snapshot
 * reaches, whatever announcements were lost or came out of order.</li>
 * </ul>
 * Deletions are not copied, except snapshots with {@code mirrorDeletes}, and then only through the
 * target vault's own deletion check (its lock and holds). Plans are not copied: the target's
 * cluster keeps its own. Capacity records are not copied either: each measures the storage it was
 * taken on, and the copy is billed for its own (docs/capacity.md). Safe to run in several processes at once (every write is create-only).
 */
public final class Copier {
    private static final Logger LOG = LoggerFactory.getLogger(Copier.class);
    /** How many times a snapshot's index listing is taken again when objects vanish under it (a collection). */
    static final int INDEX_ROUNDS = 5;

    /** What the copier is told to do besides copying. */
    public record Options(boolean mirrorDeletes) {
    }

    /** What has been copied (objects and bytes written to the target by this copier), and what was refused. */
    public record Totals(long objects, long bytes, long snapshots, long deletesMirrored, long deletesRefused,
            long corruptSkipped) {
    }

    private final Vault source;
    private final Vault target;
    private final Options options;
    private final CopyMeters meters;
    /** Objects known to be on the target (kind/id), so that they are not asked for again. */
    private final Set<String> onTarget = ConcurrentHashMap.newKeySet();
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong mirrored = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();

    public Copier(Vault source, Vault target, Options options) {
        this(source, target, options, CopyMeters.NONE);
    }

    /** A copier that counts its runs, what it writes and the lag it measures in {@code meters}. */
    public Copier(Vault source, Vault target, Options options, CopyMeters meters) {
        this.meters = meters;
        this.source = source;
        this.target = target;
        this.options = options;
    }

    public Totals totals() {
        return new Totals(objects.get(), bytes.get(), snapshots.get(), mirrored.get(), refused.get(), corrupt.get());
    }

    /** An object the source announced (see {@link io.streamvault.vault.VaultEvents}). */
    public void written(ObjectKind kind, String id) {
        switch (kind) {
            case CONFIG, PLAN, CAPACITY -> {
                // the config came with openCopy; plans stay with the source's cluster; capacity records
                // measure the source's storage, not the copy's
            }
            case INDEX -> copyIndex(id, false);
            case SNAPSHOT -> copySnapshot(id);
            default -> copy(kind, id);
        }
    }

    /** An object the source deleted: a snapshot is deleted on the target too with {@code mirrorDeletes}, when the target's lock allows. */
    public void deleted(ObjectKind kind, String id) {
        if (!options.mirrorDeletes() || kind != ObjectKind.SNAPSHOT || target.stat(kind, id).isEmpty()) {
            return;
        }
        try {
            target.delete(kind, id);
            onTarget.remove(key(kind, id));
            mirrored.incrementAndGet();
        } catch (StreamVaultException e) {
            if (e.code() != ErrorCode.SNAPSHOT_LOCKED && e.code() != ErrorCode.VAULT_LOCKED) {
                throw e;
            }
            refused.incrementAndGet();
            LOG.warn("snapshot {} is kept on the copy: {}", id, e.getMessage());
        }
    }

    /**
     * Copies what the target lacks, in write order: keys, dictionaries and lock records, packs, index
     * objects, then snapshots oldest first (each made complete first). With {@code mirrorDeletes},
     * snapshots gone from the source go from the target too (where its lock allows).
     */
    public void catchUp() {
        boolean done = false;
        try {
            catchUpOnce();
            done = true;
        } finally {
            meters.ran(target.location(), done);
        }
    }

    private void catchUpOnce() {
        onTarget.clear(); // the listings below are the truth (the target may have been collected meanwhile)
        Set<String> thereBefore = ids(target, ObjectKind.SNAPSHOT);
        // The snapshots first: every index object they need exists by then, so one pass over the index
        // below covers them all (each snapshot written afterwards needs no pass of its own).
        List<StreamVaultException> unreadable = new ArrayList<>();
        List<SnapshotRef> snaps = new ArrayList<>(source.listSnapshots(e -> {
            unreadable.add(e);
            LOG.warn("source: {}", e.getMessage());
        }));
        snaps.sort(Comparator.comparingLong((SnapshotRef s) -> s.snapshot().endTimeNs()).thenComparing(SnapshotRef::id));
        for (ObjectKind k : List.of(ObjectKind.KEY, ObjectKind.DICTIONARY, ObjectKind.LOCK, ObjectKind.PACK)) {
            copyMissing(k);
        }
        syncIndex();
        for (SnapshotRef s : snaps) {
            if (!thereBefore.contains(s.id())) {
                writeSnapshot(s.id());
            }
        }
        if (options.mirrorDeletes()) {
            if (!unreadable.isEmpty()) {
                LOG.warn("deletions not mirrored: {} snapshot(s) of the source could not be read", unreadable.size());
                return;
            }
            // The target was listed before the source: a snapshot copied meanwhile is not in that listing.
            Set<String> onSource = ids(source, ObjectKind.SNAPSHOT);
            for (String id : thereBefore) {
                if (!onSource.contains(id)) {
                    deleted(ObjectKind.SNAPSHOT, id);
                }
            }
        }
    }

    private void copyMissing(ObjectKind kind) {
        Set<String> there = ids(target, kind);
        for (VaultObject o : source.list(kind).objects()) {
            if (!there.contains(o.id())) {
                copy(kind, o.id());
            } else {
                onTarget.add(key(kind, o.id()));
            }
        }
    }

    /**
     * Makes the snapshot complete on the target, then writes it: every key, dictionary and lock
     * record, and every index object the source now has (after the snapshot: it covers what the
     * snapshot reaches) with its packs.
     */
    private void copySnapshot(String id) {
        if (onTarget.contains(key(ObjectKind.SNAPSHOT, id))) {
            return;
        }
        copyMissing(ObjectKind.KEY);
        copyMissing(ObjectKind.DICTIONARY);
        copyMissing(ObjectKind.LOCK);
        syncIndex();
        writeSnapshot(id);
    }

    /** Writes the snapshot itself, once what it reaches is on the target. */
    private void writeSnapshot(String id) {
        byte[] stored = read(ObjectKind.SNAPSHOT, id);
        if (stored == null) {
            return; // forgotten on the source before it was copied, or damaged there
        }
        if (target.writeObject(ObjectKind.SNAPSHOT, id, stored)) {
            objects.incrementAndGet();
            bytes.addAndGet(stored.length);
            meters.copied(target.location(), stored.length);
        }
        snapshots.incrementAndGet();
        onTarget.add(key(ObjectKind.SNAPSHOT, id));
    }

    /**
     * Copies every index object of the source that the target lacks, each after its packs. An index
     * object that vanishes meanwhile, or records a pack the source no longer has, was replaced by a
     * collection: the listing is taken again until one is copied whole.
     */
    private void syncIndex() {
        onTarget.clear(); // trust the listings, not what this copier remembers writing
        for (int round = 1; ; round++) {
            Set<String> there = ids(target, ObjectKind.INDEX);
            boolean whole = true;
            boolean packsListed = false;
            boolean last = round == INDEX_ROUNDS;
            for (VaultObject o : source.list(ObjectKind.INDEX).objects()) {
                if (there.contains(o.id()) || onTarget.contains(key(ObjectKind.INDEX, o.id()))) {
                    continue;
                }
                if (!packsListed) { // one listing of the target's packs instead of a request per pack
                    ids(target, ObjectKind.PACK).forEach(p -> onTarget.add(key(ObjectKind.PACK, p)));
                    packsListed = true;
                }
                whole &= copyIndex(o.id(), last);
            }
            if (whole) {
                return;
            }
            if (last) {
                return;
            }
        }
    }

    /**
     * Copies one index object after its packs; false when it (or a pack it records) is gone from the
     * source. With {@code anyway} (the last round), an index object that is still there is copied
     * even when a pack it records is not: the source is damaged there, and the copy then has exactly
     * the source's damage, not more (without it, every blob the index object records would be missing).
     */
    private boolean copyIndex(String id, boolean anyway) {
        if (onTarget.contains(key(ObjectKind.INDEX, id))) {
            return true;
        }
        Set<String> packs = new HashSet<>();
        try {
            source.readIndex(ObjectKind.INDEX.objectName(id), (BlobLocation l) -> packs.add(l.pack()));
        } catch (StreamVaultException e) {
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                return false;
            }
            throw e;
        }
        boolean whole = true;
        for (String p : packs) {
            whole &= copy(ObjectKind.PACK, p); // known, there (one request), or copied now
        }
        if (!whole && !anyway) {
            return false;
        }
        if (!whole) {
            LOG.warn("index object {} of the source records packs the source does not have; copied as it is", id);
        }
        return copy(ObjectKind.INDEX, id);
    }

    /** Copies one object unless the target has it; false when the source no longer has it. */
    private boolean copy(ObjectKind kind, String id) {
        String k = key(kind, id);
        if (onTarget.contains(k)) {
            return true;
        }
        if (target.stat(kind, id).isPresent()) {
            onTarget.add(k);
            return true;
        }
        byte[] b = read(kind, id);
        if (b == null) {
            return false;
        }
        if (target.writeObject(kind, id, b)) {
            objects.incrementAndGet();
            bytes.addAndGet(b.length);
            meters.copied(target.location(), b.length);
        }
        onTarget.add(k);
        return true;
    }

    /**
     * The object's stored bytes on the source, or null when it is gone there, or fails its checks
     * (counted and logged: a damaged object is not copied).
     */
    private byte[] read(ObjectKind kind, String id) {
        try {
            return source.readObject(kind, id);
        } catch (StreamVaultException e) {
            if (e.code() == ErrorCode.CORRUPT_OBJECT) {
                corrupt.incrementAndGet();
                LOG.warn("not copied: {}", e.getMessage());
                return null;
            }
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** How far the target is behind the source, by listing both. */
    public Lag lag(Instant now) {
        Map<ObjectKind, Set<String>> there = new HashMap<>();
        long objs = 0;
        long byts = 0;
        for (ObjectKind k : List.of(ObjectKind.KEY, ObjectKind.DICTIONARY, ObjectKind.LOCK, ObjectKind.PACK,
                ObjectKind.INDEX, ObjectKind.SNAPSHOT)) {
            Set<String> t = ids(target, k);
            there.put(k, t);
            for (VaultObject o : source.list(k).objects()) {
                if (!t.contains(o.id())) {
                    objs++;
                    byts += o.size();
                }
            }
        }
        long oldestMissingNs = Long.MAX_VALUE;
        int missing = 0;
        String newestCopied = null;
        long newestCopiedNs = Long.MIN_VALUE;
        for (SnapshotRef s : source.listSnapshots(e -> { })) {
            if (!there.get(ObjectKind.SNAPSHOT).contains(s.id())) {
                missing++;
                oldestMissingNs = Math.min(oldestMissingNs, s.snapshot().endTimeNs());
            } else if (s.snapshot().endTimeNs() > newestCopiedNs) {
                newestCopiedNs = s.snapshot().endTimeNs();
                newestCopied = s.id();
            }
        }
        long seconds = missing == 0 ? 0
                : Math.max(0, now.getEpochSecond() - Instant.ofEpochSecond(0, oldestMissingNs).getEpochSecond());
        Lag lag = new Lag(objs, byts, missing, seconds, newestCopied);
        meters.measured(target.location(), now.toEpochMilli(), lag);
        return lag;
    }

    /**
     * @param objects objects of the source (keys, dictionaries, lock records, packs, index objects,
     *     snapshots) not on the target
     * @param bytes their size
     * @param snapshots snapshots of the source not on the target
     * @param seconds how long ago the oldest of them was sealed (0 when none is missing)
     * @param newestCopied the newest snapshot on both sides, or null
     */
    public record Lag(long objects, long bytes, int snapshots, long seconds, String newestCopied) {
    }

    private static Set<String> ids(Vault v, ObjectKind kind) {
        Set<String> out = new HashSet<>();
        v.list(kind).objects().forEach(o -> out.add(o.id()));
        return out;
    }

    private static String key(ObjectKind kind, String id) {
        return kind.name() + "/" + id;
    }
}
