package io.streamvault.maintenance;

import io.streamvault.vault.SnapshotRef;
import java.util.List;

/**
 * What {@link Retention#plan} decided: per group, every snapshot of the group with keep or remove and
 * the reasons that keep it. Nothing here has been deleted; {@code forget} acts on {@link #removals()}.
 *
 * @param groups ordered by label
 */
public record RetentionPlan(RetentionPolicy policy, List<Group> groups) {

    public RetentionPlan {
        groups = List.copyOf(groups);
    }

    /**
     * One snapshot's fate.
     *
     * @param reasons why it is kept, in the order of the rules in {@link Retention} (e.g. {@code daily},
     *     {@code within 7d}, {@code newest complete}); empty exactly when it is removed
     */
    public record Decision(SnapshotRef snapshot, boolean keep, List<String> reasons) {
        public Decision {
            reasons = List.copyOf(reasons);
            if (keep == reasons.isEmpty()) {
                throw new IllegalArgumentException("a kept snapshot needs a reason, a removed one has none: "
                        + snapshot.id() + " " + reasons);
            }
        }

        public String id() {
            return snapshot.id();
        }
    }

    /**
     * One group of snapshots and its decisions.
     *
     * @param label the group's key, e.g. {@code host=node1 path=/data}, {@code host=node1 path=/data tags=daily,db}
     *     ({@code all} when snapshots are not grouped); the path is shown as by
     *     {@code RawPaths.display}
     * @param decisions one per snapshot of the group, newest first (ties by id)
     * @param removesAll true when the plan would remove every snapshot of the group (possible only
     *     when the group has no complete snapshot)
     */
    public record Group(String label, List<Decision> decisions, boolean removesAll) {
        public Group {
            decisions = List.copyOf(decisions);
        }

        public List<Decision> kept() {
            return decisions.stream().filter(Decision::keep).toList();
        }

        public List<Decision> removed() {
            return decisions.stream().filter(d -> !d.keep()).toList();
        }
    }

    /** The snapshots to remove, over all groups. */
    public List<SnapshotRef> removals() {
        return groups.stream().flatMap(g -> g.removed().stream()).map(Decision::snapshot).toList();
    }

    /** The groups of which nothing would remain; a caller may refuse to go on. */
    public List<Group> groupsRemovedWhole() {
        return groups.stream().filter(Group::removesAll).toList();
    }
}
