package io.streamvault.maintenance;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.ObjectKind;
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
 * snapshot restores completely or is gone. Its data is freed by garbage collection.
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

    public static Plan byPolicy(List<SnapshotRef> snapshots, RetentionPolicy policy, Instant now) {
        return of(Retention.plan(snapshots, policy, now).groups());
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
        for (String id : ids) {
            vault.delete(ObjectKind.SNAPSHOT, id);
        }
    }
}
