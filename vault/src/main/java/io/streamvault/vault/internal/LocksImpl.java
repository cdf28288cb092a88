package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.Hex;
import io.streamvault.vault.Hold;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Locks;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Protection;
import io.streamvault.vault.Retentions;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storage;
import io.streamvault.vault.VaultLock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** The vault's lock records: reading, folding and writing them (see {@link Locks}, docs/lock.md). */
final class LocksImpl implements Locks {
    private final Storage storage;
    private final MasterKey masterKey;
    private final String keyId;
    private final Function<String, SnapshotRef> snapshots;

    LocksImpl(Storage storage, MasterKey masterKey, String keyId, Function<String, SnapshotRef> snapshots) {
        this.storage = storage;
        this.masterKey = masterKey;
        this.keyId = keyId;
        this.snapshots = snapshots;
    }

    String keyId() {
        return keyId;
    }

    @Override
    public Instant now() {
        return storage.serviceTime().orElseGet(Instant::now);
    }

    private static long ns(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    List<LockRecord> records() {
        List<LockRecord> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(LockRecord.PREFIX)) {
            String id = o.name().substring(LockRecord.PREFIX.length());
            if (!Ids.isId(id)) {
                throw Errors.corrupt("object " + o.name() + " in " + storage.location()
                        + " is not a lock record: its name is not locks/<64 hex digits>");
            }
            out.add(LockRecord.open(id, storage.get(o.name()), masterKey, storage.location()));
        }
        out.sort(Comparator.comparingLong(LockRecord::timeNs).thenComparing(LockRecord::id));
        return out;
    }

    @Override
    public LockState state() {
        return LockFold.of(records()).state();
    }

    /**
     * Checks the record against the rules on top of every earlier one, then writes it. Its time is
     * after every earlier record's, so that it folds after them even when the clock has not moved.
     */
    private void write(LockRecord record, ErrorCode refusal) {
        List<LockRecord> earlier = records();
        LockRecord r = earlier.isEmpty() || earlier.get(earlier.size() - 1).timeNs() < record.timeNs() ? record
                : record.at(earlier.get(earlier.size() - 1).timeNs() + 1);
        String why = LockFold.of(earlier).apply(r);
        if (why != null) {
            throw new FatalException(refusal, why);
        }
        byte[] sealed = r.seal(masterKey);
        storage.putIfAbsent(LockRecord.PREFIX + Ids.sha256Hex(sealed), sealed);
    }

    @Override
    public VaultLock set(Spec spec, boolean bypassGovernance) {
        if (spec.mode() == null || spec.minRetention() == null || spec.changeableFor() == null) {
            throw Errors.invalid("a vault lock needs a mode, a minimum retention and a cooling-off");
        }
        if (spec.minRetention().isNegative() || spec.minRetention().isZero()) {
            throw Errors.invalid("the minimum retention must be positive");
        }
        if (spec.maxRetention() != null && spec.maxRetention().compareTo(spec.minRetention()) < 0) {
            throw Errors.invalid("the maximum retention " + spec.maxRetention() + " is shorter than the minimum "
                    + spec.minRetention());
        }
        if (spec.changeableFor().isNegative()) {
            throw Errors.invalid("the cooling-off cannot be negative");
        }
        Instant now = now();
        VaultLock cur = state().lock();
        boolean fixed = cur != null && !cur.changeableAt(now);
        Instant changeableUntil = fixed ? cur.changeableUntil() : now.plus(spec.changeableFor());
        List<String> keys = !spec.bypassKeys().isEmpty() ? spec.bypassKeys() : cur != null ? cur.bypassKeys() : List.of(keyId);
        for (String k : keys) {
            if (!Ids.isId(k)) {
                throw Errors.invalid("bypass key \"" + k + "\" is not a key id (64 hex digits, see `key list`)");
            }
        }
        if (fixed && cur.mode() == LockMode.GOVERNANCE) {
            requireRight(bypassGovernance, cur);
        }
        write(LockRecord.lock(ns(now), keyId, spec.mode(), spec.minRetention(), spec.maxRetention(), ns(changeableUntil),
                keys, bypassGovernance), ErrorCode.VAULT_LOCKED);
        return state().lock();
    }

    @Override
    public void remove(boolean bypassGovernance) {
        VaultLock cur = state().lock();
        if (cur == null) {
            throw new FatalException(ErrorCode.CONFLICT, "no vault lock is on in " + storage.location());
        }
        Instant now = now();
        if (!cur.changeableAt(now) && cur.mode() == LockMode.GOVERNANCE) {
            requireRight(bypassGovernance, cur);
        }
        write(LockRecord.remove(ns(now), keyId, bypassGovernance), ErrorCode.VAULT_LOCKED);
    }

    /**
     * Whether this key holds the governance bypass right under {@code lock}, the latest vault lock ever
     * accepted (its keys are already narrowed to those every lock named), or null when none ever was.
     */
    private boolean holdsRight(VaultLock lock) {
        return lock == null || lock.bypassKeys().contains(keyId);
    }

    /** FORBIDDEN when a bypass is asked by a key the lock does not name. */
    private void requireRight(boolean bypassGovernance, VaultLock lock) {
        if (bypassGovernance && !holdsRight(lock)) {
            throw new FatalException(ErrorCode.FORBIDDEN, "key " + keyId + " does not hold the governance bypass right"
                    + " of the vault lock (held by " + String.join(", ", lock.bypassKeys()) + ")");
        }
    }

    @Override
    public Protection retain(String snapshotId, Instant until) {
        SnapshotRef s = snapshots.apply(snapshotId);
        LockState st = state();
        Protection p = st.protection(s);
        if (p.retainUntil() != null && !until.isAfter(p.retainUntil())) {
            throw Errors.invalid("snapshot " + s.id() + " is already kept until " + p.retainUntil()
                    + "; a retention can only be extended");
        }
        Instant now = now();
        if (!until.isAfter(now)) {
            throw Errors.invalid(until + " is not in the future (now " + now + ")");
        }
        VaultLock lock = st.lock();
        if (lock != null && lock.maxRetention() != null && until.isAfter(now.plus(lock.maxRetention()))) {
            throw Errors.invalid(until + " lies beyond the vault lock's maximum retention "
                    + Retentions.format(lock.maxRetention()));
        }
        LockMode mode = lock != null ? lock.mode() : p.mode() != null ? p.mode() : LockMode.GOVERNANCE;
        write(LockRecord.retain(ns(now), keyId, s.id(), ns(until), mode), ErrorCode.INVALID_ARGUMENT);
        stillThere(s.id());
        return state().protection(s);
    }

    @Override
    public boolean mayBypassGovernance() {
        return holdsRight(state().last());
    }

    /**
     * After a hold or retention was written: the snapshot must still exist (a forget that checked the
     * lock before the record was written may have deleted it meanwhile); CONFLICT otherwise, so that a
     * hold is never reported placed on a snapshot that is gone.
     */
    private void stillThere(String id) {
        try {
            snapshots.apply(id);
        } catch (FatalException e) {
            if (e.code() == ErrorCode.SNAPSHOT_NOT_FOUND) {
                throw new FatalException(ErrorCode.CONFLICT, "snapshot " + id + " was deleted while the record was"
                        + " written; nothing holds it", e);
            }
            throw e;
        }
    }

    @Override
    public Hold hold(String snapshotId, String reason) {
        SnapshotRef s = snapshots.apply(snapshotId);
        if (reason == null || reason.isBlank()) {
            throw Errors.invalid("a legal hold needs a reason");
        }
        String id = Hex.of(Aead.random(8));
        write(LockRecord.hold(ns(now()), keyId, s.id(), id, reason), ErrorCode.INVALID_ARGUMENT);
        stillThere(s.id());
        return state().holds().get(s.id()).stream().filter(h -> h.id().equals(id)).findFirst().orElseThrow();
    }

    @Override
    public int release(String snapshotId, String reason) {
        SnapshotRef s = snapshots.apply(snapshotId);
        if (reason == null || reason.isBlank()) {
            throw Errors.invalid("releasing a legal hold needs a reason");
        }
        int n = state().holds().getOrDefault(s.id(), List.of()).size();
        if (n == 0) {
            throw new FatalException(ErrorCode.CONFLICT, "snapshot " + s.id() + " has no legal hold");
        }
        write(LockRecord.release(ns(now()), keyId, s.id(), reason), ErrorCode.CONFLICT);
        return n;
    }

    @Override
    public void checkRetention(Duration asked) {
        VaultLock lock = state().lock();
        if (asked.isNegative()) {
            throw Errors.invalid("a retention cannot be negative");
        }
        if (lock != null && !asked.isZero() && !lock.allows(asked)) {
            throw Errors.invalid("retention " + Retentions.format(asked) + " lies outside the vault lock's bounds (" + LockFold.describe(lock)
                    + ")");
        }
    }

    @Override
    public ImmutableStorage.Support serviceSupport() {
        return storage.immutability().map(ImmutableStorage::probe).orElseGet(() -> new ImmutableStorage.Support(false,
                storage.location() + " cannot refuse deletions itself (only Azure Blob Storage with version-level"
                        + " immutability can)"));
    }

    private ImmutableStorage service() {
        return storage.immutability().orElseThrow(() -> new FatalException(ErrorCode.UNSUPPORTED, storage.location()
                + " has no immutability policies"));
    }

    @Override
    public void protectObject(ObjectKind kind, String id, Instant until, LockMode mode) {
        service().protect(kind.objectName(id), until, mode == LockMode.COMPLIANCE);
    }

    @Override
    public void holdObject(ObjectKind kind, String id, boolean hold) {
        service().legalHold(kind.objectName(id), hold);
    }

    /** The retention a snapshot sealed at {@code sealedNs} gets: what it asks, at least the lock's minimum. */
    Snapshot stamp(Snapshot s) {
        VaultLock lock = state().lock();
        long until = s.retainUntilNs();
        LockMode mode = s.lockMode() != null ? s.lockMode() : LockMode.GOVERNANCE;
        if (lock != null) {
            until = Math.max(until, s.endTimeNs() + lock.minRetention().toNanos());
            mode = lock.mode() == LockMode.COMPLIANCE ? LockMode.COMPLIANCE : mode;
        }
        return until == s.retainUntilNs() && (until == 0 || mode == s.lockMode()) ? s : s.retained(until, mode);
    }

    /**
     * The one check of every deletion (see {@link io.streamvault.vault.Vault#delete}): a snapshot
     * retained or held is refused (SNAPSHOT_LOCKED naming it and the time), unless a governance
     * retention is bypassed by a key with the right (then it is recorded); a key while anything is
     * locked (VAULT_LOCKED); lock records never.
     */
    void checkDeleteSnapshot(String id, boolean bypassGovernance) {
        SnapshotRef s;
        try {
            s = snapshots.apply(id);
        } catch (FatalException e) {
            if (e.code() == ErrorCode.SNAPSHOT_NOT_FOUND) {
                return;
            }
            throw e;
        }
        LockState st = state();
        Protection p = st.protection(s);
        Instant now = now();
        if (!p.lockedAt(now)) {
            return;
        }
        boolean mayBypass = bypassGovernance && p.holds().isEmpty() && p.mode() == LockMode.GOVERNANCE;
        if (!mayBypass) {
            throw new FatalException(ErrorCode.SNAPSHOT_LOCKED, "snapshot " + id + " is " + p.reason(now)
                    + (p.holds().isEmpty() && p.mode() == LockMode.GOVERNANCE ? "; a key or token with the governance"
                            + " bypass right may delete it with --bypass-governance" : ""));
        }
        VaultLock last = st.last();
        if (!holdsRight(last)) {
            throw new FatalException(ErrorCode.FORBIDDEN, "key " + keyId + " does not hold the governance bypass right"
                    + " (held by " + String.join(", ", last.bypassKeys()) + "): snapshot " + id + " is " + p.reason(now));
        }
        write(LockRecord.bypass(ns(now), keyId, id, ns(p.retainUntil())), ErrorCode.FORBIDDEN);
    }

    void checkDeleteKey(String id, List<SnapshotRef> all) {
        if (id.equals(keyId)) {
            throw Errors.invalid("key " + id + " opened this vault; remove it with another key's password");
        }
        LockState st = state();
        if (st.lock() != null) {
            throw new FatalException(ErrorCode.VAULT_LOCKED, "keys cannot be removed while the vault lock is on ("
                    + LockFold.describe(st.lock()) + ")");
        }
        Instant now = now();
        for (SnapshotRef s : all) {
            Protection p = st.protection(s);
            if (p.lockedAt(now)) {
                throw new FatalException(ErrorCode.VAULT_LOCKED, "keys cannot be removed while a snapshot is locked:"
                        + " snapshot " + s.id() + " is " + p.reason(now));
            }
        }
    }
}
