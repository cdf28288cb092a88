package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.LockState;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Protection;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forget: which snapshots go (by a {@link RetentionPolicy}, or by id), and removing them. Removing a
 * snapshot deletes only its snapshot object (through {@link Vault#delete}), which is atomic: a listed
 * snapshot restores completely or is gone. Its data is freed by garbage collection. A forget that
 * removed something records the vault's capacity (docs/capacity.md).
 */
public final class Forget {
    private static final String NAMED = "not named";

    /**
     * What a forget does.
     *
     * @param groups every snapshot with keep or remove and why it is kept
     * @param removedIds the snapshots to remove, incomplete ones first, each oldest first
     * @param groupsRemovedWhole the labels of groups of which nothing would remain
     */
    public record Plan(List<RetentionPlan.Group> groups, List<String> removedIds, int kept,
            List<String> groupsRemovedWhole) {
    }

    private Forget() {
    }

    /** The policy's plan alone, without the backup lock (a pure function, for previews and tests). */
    public static Plan byPolicy(List<SnapshotRef> snapshots, RetentionPolicy policy, Instant now) {
        return of(Retention.plan(snapshots, policy, now).groups());
    }

    /**
     * The policy's plan at the vault's time (the storage service's clock), with every snapshot the
     * backup lock protects kept, and saying so: {@code locked until T (mode)}, {@code legal hold}.
     * With {@code bypassGovernance}, snapshots kept only by a governance retention go as the policy
     * says (the vault checks the right when they are removed).
     */
    public static Plan byPolicy(Vault vault, List<SnapshotRef> snapshots, RetentionPolicy policy,
            boolean bypassGovernance) {
        Instant now = vault.locks().now();
        requireRight(vault, bypassGovernance);
        return withLocks(Retention.plan(snapshots, policy, now).groups(), vault.locks().state(), now, false,
                bypassGovernance);
    }

    /**
     * The snapshots named, as {@link #byIds(Vault, List, List)}; SNAPSHOT_LOCKED naming every named
     * snapshot the backup lock protects and until when, before anything is removed.
     */
    public static Plan byIds(Vault vault, List<SnapshotRef> snapshots, List<String> ids, boolean bypassGovernance) {
        requireRight(vault, bypassGovernance);
        Plan named = byIds(vault, snapshots, ids);
        return withLocks(named.groups(), vault.locks().state(), vault.locks().now(), true, bypassGovernance);
    }

    /** FORBIDDEN before anything is planned or removed when a bypass is asked by a key without the right. */
    private static void requireRight(Vault vault, boolean bypassGovernance) {
        if (bypassGovernance && !vault.locks().mayBypassGovernance()) {
            throw new FatalException(ErrorCode.FORBIDDEN, "key " + vault.keyId() + " does not hold the governance"
                    + " bypass right (docs/lock.md); nothing was removed");
        }
    }

    private static Plan withLocks(List<RetentionPlan.Group> groups, LockState locks, Instant now, boolean named,
            boolean bypassGovernance) {
        List<String> refused = new ArrayList<>();
        List<RetentionPlan.Group> out = new ArrayList<>();
        for (RetentionPlan.Group g : groups) {
            List<RetentionPlan.Decision> ds = new ArrayList<>();
            for (RetentionPlan.Decision d : g.decisions()) {
                Protection p = locks.protection(d.snapshot());
                boolean lifted = bypassGovernance && p.holds().isEmpty() && p.mode() == LockMode.GOVERNANCE;
                if (!p.lockedAt(now) || (!d.keep() && lifted)) {
                    ds.add(d);
                } else if (!d.keep() && named) {
                    refused.add("snapshot " + d.snapshot().id() + " is " + p.reason(now));
                    ds.add(d);
                } else {
                    List<String> reasons = new ArrayList<>(d.keep() ? d.reasons() : List.of());
                    reasons.add(p.reason(now));
                    ds.add(new RetentionPlan.Decision(d.snapshot(), true, reasons));
                }
            }
            out.add(new RetentionPlan.Group(g.label(), ds, ds.stream().noneMatch(RetentionPlan.Decision::keep)));
        }
        if (!refused.isEmpty()) {
            throw new FatalException(ErrorCode.SNAPSHOT_LOCKED, String.join("; ", refused) + "; nothing was removed");
        }
        return of(out);
    }

    /**
     * The snapshots named by id or unique prefix (SNAPSHOT_NOT_FOUND or AMBIGUOUS_SNAPSHOT otherwise);
     * every other snapshot is kept, with the reason "not named". Groups are host and path.
     */
    public static Plan byIds(Vault vault, List<SnapshotRef> snapshots, List<String> ids) {
        Set<String> named = new HashSet<>();
        for (String id : ids) {
            named.add(vault.resolveSnapshot(id));
        }
        Map<String, List<RetentionPlan.Decision>> groups = new LinkedHashMap<>();
        List<SnapshotRef> newestFirst = new ArrayList<>(snapshots);
        newestFirst.sort(Comparator.comparingLong((SnapshotRef r) -> r.snapshot().endTimeNs()).reversed()
                .thenComparing(SnapshotRef::id));
        for (SnapshotRef r : newestFirst) {
            String label = "host=" + (r.snapshot().hostname() == null ? "" : r.snapshot().hostname()) + " path="
                    + RawPaths.display(r.snapshot().path());
            boolean remove = named.contains(r.id());
            groups.computeIfAbsent(label, k -> new ArrayList<>())
                    .add(new RetentionPlan.Decision(r, !remove, remove ? List.of() : List.of(NAMED)));
        }
        List<RetentionPlan.Group> out = new ArrayList<>();
        groups.forEach((label, ds) -> out.add(new RetentionPlan.Group(label, ds, ds.stream().noneMatch(
                RetentionPlan.Decision::keep))));
        out.sort(Comparator.comparing(RetentionPlan.Group::label));
        return of(out);
    }

    private static Plan of(List<RetentionPlan.Group> groups) {
        List<SnapshotRef> removed = new ArrayList<>();
        int kept = 0;
        List<String> whole = new ArrayList<>();
        for (RetentionPlan.Group g : groups) {
            kept += g.kept().size();
            g.removed().forEach(d -> removed.add(d.snapshot()));
            if (g.removesAll()) {
                whole.add(g.label());
            }
        }
        removed.sort(Comparator.comparing((SnapshotRef r) -> !r.snapshot().incomplete())
                .thenComparingLong(r -> r.snapshot().endTimeNs()));
        return new Plan(groups, removed.stream().map(SnapshotRef::id).toList(), kept, whole);
    }

    /** Deletes the snapshot objects, in the order given. */
    public static void remove(Vault vault, List<String> ids) {
        remove(vault, ids, false);
    }

    /**
     * Deletes the snapshot objects, in the order given, lifting governance retentions if asked; then,
     * when any was deleted (even if a later one was refused), records the vault's capacity
     * ({@link CapacityHistory}; a failure to record is only a warning).
     */
    public static void remove(Vault vault, List<String> ids, boolean bypassGovernance) {
        List<String> removed = new ArrayList<>();
        try {
            for (String id : ids) {
                vault.delete(ObjectKind.SNAPSHOT, id, bypassGovernance);
                removed.add(id);
            }
        } finally {
            if (!removed.isEmpty()) {
                CapacityHistory.recordQuietly(vault, CapacityHistory.Trigger.FORGET, removed, null);
            }
        }
    }
}
