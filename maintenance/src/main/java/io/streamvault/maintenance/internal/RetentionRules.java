package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.maintenance.KeepDuration;
import io.streamvault.maintenance.Retention;
import io.streamvault.maintenance.RetentionPlan;
import io.streamvault.maintenance.RetentionPlan.Decision;
import io.streamvault.maintenance.RetentionPlan.Group;
import io.streamvault.maintenance.RetentionPolicy;
import io.streamvault.maintenance.RetentionPolicy.GroupKey;
import io.streamvault.maintenance.RetentionPolicy.Period;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The computation behind {@link Retention#plan}; the semantics are documented there. */
public final class RetentionRules {

    /** A snapshot as the rules see it. */
    private record Item(SnapshotRef ref, Instant sealed, boolean complete, Set<String> tags) {
    }

    /** A group's identity: the grouped-by fields, null where not grouped by; the path as Latin-1 text of its bytes. */
    private record GroupId(String host, String path, List<String> tags) {
        String label() {
            List<String> parts = new ArrayList<>();
            if (host != null) {
                parts.add("host=" + host);
            }
            if (path != null) {
                parts.add("path=" + RawPaths.display(path.getBytes(StandardCharsets.ISO_8859_1)));
            }
            if (tags != null) {
                parts.add("tags=" + String.join(",", tags));
            }
            return parts.isEmpty() ? "all" : String.join(" ", parts);
        }
    }

    /** Newest sealed first; equal times by id, so the order never depends on the input's order. */
    private static final Comparator<Item> NEWEST_FIRST = Comparator.comparing(Item::sealed).reversed()
            .thenComparing(i -> i.ref().id());

    private RetentionRules() {
    }

    public static RetentionPlan plan(List<SnapshotRef> snapshots, RetentionPolicy policy, Instant now) {
        if (snapshots == null || policy == null || now == null) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "retention needs snapshots, a policy and a time");
        }
        Map<GroupId, List<Item>> groups = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (SnapshotRef ref : snapshots) {
            if (ref == null || ref.id() == null || ref.snapshot() == null) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "retention: a snapshot without id or contents");
            }
            if (!ids.add(ref.id())) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "retention: snapshot listed twice: " + ref.id());
            }
            Item item = item(ref);
            groups.computeIfAbsent(groupId(ref.snapshot(), item.tags(), policy.groupBy()), k -> new ArrayList<>())
                    .add(item);
        }
        List<Group> out = new ArrayList<>();
        groups.forEach((id, items) -> out.add(decide(id.label(), items, policy, now)));
        out.sort(Comparator.comparing(Group::label));
        return new RetentionPlan(policy, out);
    }

    private static Item item(SnapshotRef ref) {
        Snapshot s = ref.snapshot();
        Set<String> tags = s.tags() == null ? Set.of() : new TreeSet<>(s.tags());
        return new Item(ref, Instant.ofEpochSecond(0, s.endTimeNs()), !s.incomplete(), tags);
    }

    private static GroupId groupId(Snapshot s, Set<String> tags, Set<GroupKey> by) {
        String host = by.contains(GroupKey.HOST) ? (s.hostname() == null ? "" : s.hostname()) : null;
        String path = by.contains(GroupKey.PATH)
                ? new String(s.path() == null ? new byte[0] : s.path(), StandardCharsets.ISO_8859_1) : null;
        return new GroupId(host, path, by.contains(GroupKey.TAGS) ? List.copyOf(tags) : null);
    }

    private static Group decide(String label, List<Item> items, RetentionPolicy policy, Instant now) {
        items.sort(NEWEST_FIRST);
        int n = items.size();
        List<List<String>> reasons = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            reasons.add(new ArrayList<>());
        }
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        ZoneId zone = policy.zone();

        if (policy.last() != 0) {
            List<Integer> ranked = new ArrayList<>();
            all.stream().filter(i -> items.get(i).complete()).forEach(ranked::add);
            all.stream().filter(i -> !items.get(i).complete()).forEach(ranked::add);
            for (int i : limit(ranked, policy.last())) {
                reasons.get(i).add("last");
            }
        }
        for (Period p : Period.values()) {
            if (policy.count(p) != 0) {
                for (List<Integer> bucket : limit(buckets(items, all, p, zone), policy.count(p))) {
                    reasons.get(representative(items, bucket)).add(p.label());
                }
            }
        }

        Instant anchor = null;
        for (Item item : items) {
            if (!item.sealed().isAfter(now)) {
                anchor = item.sealed();
                break;
            }
        }
        if (policy.within() != null) {
            for (int i : window(items, all, policy.within(), anchor, zone)) {
                reasons.get(i).add("within " + policy.within());
            }
        }
        for (Period p : Period.values()) {
            KeepDuration d = policy.within(p);
            if (d != null) {
                for (List<Integer> bucket : buckets(items, window(items, all, d, anchor, zone), p, zone)) {
                    reasons.get(representative(items, bucket)).add(p.label() + " within " + d);
                }
            }
        }

        for (String tag : policy.tags()) {
            for (int i : all) {
                if (items.get(i).tags().contains(tag)) {
                    reasons.get(i).add("tag " + tag);
                }
            }
        }
        for (int i : all) {
            if (items.get(i).complete()) {
                reasons.get(i).add("newest complete");
                break;
            }
        }

        List<Decision> decisions = new ArrayList<>(n);
        boolean anyKept = false;
        for (int i = 0; i < n; i++) {
            boolean keep = !reasons.get(i).isEmpty();
            anyKept |= keep;
            decisions.add(new Decision(items.get(i).ref(), keep, reasons.get(i)));
        }
        return new Group(label, decisions, !anyKept);
    }

    /** The first {@code count} elements, or all of them for {@link RetentionPolicy#UNLIMITED}. */
    private static <T> List<T> limit(List<T> list, int count) {
        return count == RetentionPolicy.UNLIMITED || count >= list.size() ? list : list.subList(0, count);
    }

    /** The indices (newest first) split into buckets of {@code period}, newest bucket first. */
    private static List<List<Integer>> buckets(List<Item> items, List<Integer> indices, Period period, ZoneId zone) {
        Map<Object, List<Integer>> buckets = new LinkedHashMap<>();
        for (int i : indices) {
            buckets.computeIfAbsent(PeriodKeys.key(period, items.get(i).sealed(), zone), k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(buckets.values());
    }

    /** The newest complete snapshot of a bucket (indices newest first), else its newest incomplete one. */
    private static int representative(List<Item> items, List<Integer> bucket) {
        for (int i : bucket) {
            if (items.get(i).complete()) {
                return i;
            }
        }
        return bucket.get(0);
    }

    /** The indices sealed after {@code anchor} minus {@code d}; all of them when there is no anchor. */
    private static List<Integer> window(List<Item> items, List<Integer> indices, KeepDuration d, Instant anchor,
            ZoneId zone) {
        if (anchor == null) {
            return indices;
        }
        Instant start = d.before(anchor, zone);
        return indices.stream().filter(i -> items.get(i).sealed().isAfter(start)).toList();
    }
}
