package io.streamvault.maintenance;

import static io.streamvault.maintenance.RetentionGenerators.aroundDst;
import static io.streamvault.maintenance.RetentionGenerators.gridWithins;
import static io.streamvault.maintenance.RetentionGenerators.history;
import static io.streamvault.maintenance.RetentionGenerators.hourGrid;
import static io.streamvault.maintenance.RetentionGenerators.hourRule;
import static io.streamvault.maintenance.RetentionGenerators.increments;
import static io.streamvault.maintenance.RetentionGenerators.policy;
import static io.streamvault.maintenance.SnapshotFixtures.BERLIN;
import static io.streamvault.maintenance.SnapshotFixtures.sealed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.maintenance.RetentionGenerators.History;
import io.streamvault.maintenance.RetentionGenerators.HourRule;
import io.streamvault.maintenance.RetentionGenerators.PolicySpec;
import io.streamvault.maintenance.RetentionPlan.Decision;
import io.streamvault.maintenance.RetentionPlan.Group;
import io.streamvault.maintenance.RetentionPolicy.GroupKey;
import io.streamvault.maintenance.RetentionPolicy.Period;
import io.streamvault.vault.SnapshotRef;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random snapshot histories and random policies: the plan must equal a brute-force reference model
 * written from the documented semantics alone, and keep its invariants. Each property runs a few
 * hundred seeded cases (see {@link Cases}: a failure names its seed, {@code -Dretention.seed=N}
 * replays it) and checks over the whole run that the generators reach the edge cases it is about.
 */
class RetentionPropertiesTest {

    private static final String MIXED = "keeps some and removes some of a group";
    private static final String KEPT_INCOMPLETE = "keeps an incomplete snapshot";
    private static final String REPEATED_HOUR = "one local hour at two offsets";
    private static final String ON_WINDOW_START = "a snapshot sealed exactly at a window's start";

    @Test
    void planEqualsTheReferenceModel() {
        Cases.run(300, c -> {
            History h = c.input("history", history(c.random()));
            PolicySpec p = c.input("policy", policy(c.random()));
            RetentionPlan plan = Retention.plan(h.snapshots(), p.build(), h.now());
            assertEquals(Reference.reasons(h.snapshots(), p, h.now()), reasons(plan));

            c.collect(MIXED, plan.groups().stream().anyMatch(g -> !g.kept().isEmpty() && !g.removed().isEmpty()));
            c.collect(KEPT_INCOMPLETE, plan.groups().stream().flatMap(g -> g.kept().stream())
                    .anyMatch(d -> d.snapshot().snapshot().incomplete()));
        }).atLeast(MIXED, 25).atLeast(KEPT_INCOMPLETE, 10);
    }

    /** Hour buckets where the clocks change: Berlin's zone, a history of a few hours there, an hourly rule. */
    @Test
    void hourBucketsAroundBerlinDstEqualTheReferenceModel() {
        Cases.run(200, c -> {
            History h = c.input("history", aroundDst(c.random()));
            PolicySpec random = policy(c.random());
            HourRule hourly = hourRule(c.random());
            List<Integer> counts = new ArrayList<>(random.counts());
            List<KeepDuration> withins = new ArrayList<>(random.withins());
            counts.set(Period.HOURLY.ordinal() + 1, hourly.count());
            withins.set(Period.HOURLY.ordinal() + 1, hourly.within());
            PolicySpec p = c.input("policy", new PolicySpec(counts, withins, random.tags(), random.groupBy(), BERLIN));
            assertEquals(Reference.reasons(h.snapshots(), p, h.now()),
                    reasons(Retention.plan(h.snapshots(), p.build(), h.now())));
            c.collect(REPEATED_HOUR, Reference.repeatedHour(h, p));
        }).atLeast(REPEATED_HOUR, 3);
    }

    /** Within rules on a grid of whole hours, where snapshots often lie exactly on a window's start. */
    @Test
    void windowsOnAnHourGridEqualTheReferenceModel() {
        Cases.run(200, c -> {
            History h = c.input("history", hourGrid(c.random()));
            PolicySpec random = policy(c.random());
            PolicySpec p = c.input("policy", new PolicySpec(random.counts(), gridWithins(c.random()), random.tags(),
                    random.groupBy(), random.zone()));
            assertEquals(Reference.reasons(h.snapshots(), p, h.now()),
                    reasons(Retention.plan(h.snapshots(), p.build(), h.now())));
            c.collect(ON_WINDOW_START, Reference.onWindowStart(h, p));
        }).atLeast(ON_WINDOW_START, 15);
    }

    @Test
    void planKeepsItsInvariants() {
        Cases.run(300, c -> {
            History h = c.input("history", history(c.random()));
            PolicySpec p = c.input("policy", policy(c.random()));
            Random random = new Random(c.random().nextLong());
            RetentionPolicy policy = p.build();
            RetentionPlan plan = Retention.plan(h.snapshots(), policy, h.now());

            Map<String, SnapshotRef> input = new HashMap<>();
            h.snapshots().forEach(s -> input.put(s.id(), s));
            Set<String> seen = new HashSet<>();
            List<String> labels = new ArrayList<>();
            for (Group g : plan.groups()) {
                labels.add(g.label());
                Instant previous = Instant.MAX;
                for (Decision d : g.decisions()) {
                    assertTrue(seen.add(d.id()), "appears once: " + d.id());
                    assertSame(input.get(d.id()), d.snapshot(), "kept and removed snapshots are the input's");
                    assertEquals(d.keep(), !d.reasons().isEmpty(), "kept exactly when there is a reason");
                    assertFalse(sealed(d.snapshot()).isAfter(previous), "newest first");
                    previous = sealed(d.snapshot());
                }
                assertEquals(g.kept().isEmpty(), g.removesAll());
                Optional<Decision> newestComplete = g.decisions().stream()
                        .filter(d -> !d.snapshot().snapshot().incomplete()).findFirst();
                newestComplete.ifPresent(d -> assertTrue(d.keep() && d.reasons().contains("newest complete")));
                newestComplete.ifPresent(
                        d -> assertFalse(g.removesAll(), "a group with a complete snapshot is never emptied"));
            }
            assertEquals(input.keySet(), seen, "every snapshot appears");
            assertEquals(new TreeSet<>(labels).stream().toList(), labels, "groups sorted by label, labels unique");
            assertEquals(Reference.groups(h.snapshots(), p.groupBy()).size(), plan.groups().size());

            List<SnapshotRef> shuffled = new ArrayList<>(h.snapshots());
            Collections.shuffle(shuffled, random);
            assertEquals(plan, Retention.plan(shuffled, policy, h.now()), "the input's order does not matter");
        });
    }

    @Test
    void largerCountsKeepASuperset() {
        Cases.run(300, c -> {
            History h = c.input("history", history(c.random()));
            PolicySpec p = c.input("policy", policy(c.random()));
            List<Integer> increments = c.input("increments", increments(c.random()));
            List<Integer> larger = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int count = p.counts().get(i);
                int inc = increments.get(i);
                larger.add(count == -1 || inc < 0 ? -1 : count + inc);
            }
            Set<String> small = keptIds(Retention.plan(h.snapshots(), p.build(), h.now()));
            Set<String> big = keptIds(Retention.plan(h.snapshots(), p.withCounts(larger).build(), h.now()));
            assertTrue(big.containsAll(small), "counts " + p.counts() + " -> " + larger + " lost " + diff(small, big));
        });
    }

    /** The reasons of every snapshot of the plan, by id. */
    private static Map<String, List<String>> reasons(RetentionPlan plan) {
        Map<String, List<String>> reasons = new HashMap<>();
        plan.groups().forEach(g -> g.decisions().forEach(d -> reasons.put(d.id(), d.reasons())));
        return reasons;
    }

    private static Set<String> keptIds(RetentionPlan plan) {
        Set<String> ids = new HashSet<>();
        plan.groups().forEach(g -> g.kept().forEach(d -> ids.add(d.id())));
        return ids;
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    // ------------------------------------------------------------------ reference model

    /**
     * The semantics of {@link Retention}, rule by rule, by brute force: no buckets are built, each
     * snapshot is checked against the whole group. Calendar keys are computed differently from the
     * implementation (ISO week fields rather than Mondays; month arithmetic by hand).
     */
    static final class Reference {
        private Reference() {
        }

        static Map<String, List<SnapshotRef>> groups(List<SnapshotRef> snapshots, Set<GroupKey> by) {
            Map<String, List<SnapshotRef>> groups = new LinkedHashMap<>();
            for (SnapshotRef s : snapshots) {
                String key = (by.contains(GroupKey.HOST) ? s.snapshot().hostname() : "") + "|"
                        + (by.contains(GroupKey.PATH) ? Arrays.toString(s.snapshot().path()) : "") + "|"
                        + (by.contains(GroupKey.TAGS) ? new TreeSet<>(s.snapshot().tags()).toString() : "");
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
            return groups;
        }

        static Map<String, List<String>> reasons(List<SnapshotRef> snapshots, PolicySpec p, Instant now) {
            Map<String, List<String>> out = new HashMap<>();
            for (List<SnapshotRef> group : groups(snapshots, p.groupBy()).values()) {
                List<SnapshotRef> sorted = new ArrayList<>(group);
                sorted.sort(Comparator.comparing(SnapshotFixtures::sealed).reversed().thenComparing(SnapshotRef::id));
                for (SnapshotRef s : sorted) {
                    out.put(s.id(), reasons(s, sorted, p, now));
                }
            }
            return out;
        }

        private static List<String> reasons(SnapshotRef s, List<SnapshotRef> group, PolicySpec p, Instant now) {
            List<String> reasons = new ArrayList<>();
            int last = p.counts().get(0);
            if (last != 0) {
                List<SnapshotRef> complete = group.stream().filter(Reference::complete).toList();
                List<SnapshotRef> incomplete = group.stream().filter(x -> !complete(x)).toList();
                int n = last == -1 ? group.size() : last;
                if (complete.indexOf(s) >= 0 && complete.indexOf(s) < n
                        || incomplete.indexOf(s) >= 0 && incomplete.indexOf(s) < n - complete.size()) {
                    reasons.add("last");
                }
            }
            for (Period period : Period.values()) {
                int count = p.counts().get(period.ordinal() + 1);
                if (count != 0 && chosen(s, group, period, p.zone())) {
                    String key = key(period, s, p.zone());
                    SnapshotRef firstOfBucket = group.stream().filter(x -> key(period, x, p.zone()).equals(key))
                            .findFirst().orElseThrow();
                    long newerBuckets = group.subList(0, group.indexOf(firstOfBucket)).stream()
                            .map(x -> key(period, x, p.zone())).distinct().count();
                    if (count == -1 || newerBuckets < count) {
                        reasons.add(period.label());
                    }
                }
            }
            Optional<Instant> anchor = group.stream().map(SnapshotFixtures::sealed).filter(t -> !t.isAfter(now))
                    .max(Comparator.naturalOrder());
            KeepDuration within = p.withins().get(0);
            if (within != null && inWindow(s, anchor, within, p.zone())) {
                reasons.add("within " + within);
            }
            for (Period period : Period.values()) {
                KeepDuration d = p.withins().get(period.ordinal() + 1);
                if (d != null && inWindow(s, anchor, d, p.zone())) {
                    List<SnapshotRef> inside = group.stream().filter(x -> inWindow(x, anchor, d, p.zone())).toList();
                    if (chosen(s, inside, period, p.zone())) {
                        reasons.add(period.label() + " within " + d);
                    }
                }
            }
            for (String tag : p.tags()) {
                if (s.snapshot().tags().contains(tag)) {
                    reasons.add("tag " + tag);
                }
            }
            if (group.stream().filter(Reference::complete).findFirst().orElse(null) == s) {
                reasons.add("newest complete");
            }
            return reasons;
        }

        /** Whether a snapshot is sealed exactly where the window of a within rule starts (open there). */
        static boolean onWindowStart(History h, PolicySpec p) {
            for (List<SnapshotRef> group : groups(h.snapshots(), p.groupBy()).values()) {
                Optional<Instant> anchor = group.stream().map(SnapshotFixtures::sealed)
                        .filter(t -> !t.isAfter(h.now())).max(Comparator.naturalOrder());
                for (KeepDuration d : p.withins()) {
                    if (d != null && anchor.isPresent()) {
                        Instant start = windowStart(anchor.get(), d, p.zone());
                        if (group.stream().anyMatch(s -> sealed(s).equals(start))) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /** Whether, with an hourly rule, two snapshots of a group share a local hour at different offsets. */
        static boolean repeatedHour(History h, PolicySpec p) {
            int hourly = Period.HOURLY.ordinal() + 1;
            if (p.counts().get(hourly) == 0 && p.withins().get(hourly) == null) {
                return false;
            }
            for (List<SnapshotRef> group : groups(h.snapshots(), p.groupBy()).values()) {
                Map<LocalDateTime, Set<ZoneOffset>> offsets = new HashMap<>();
                for (SnapshotRef s : group) {
                    offsets.computeIfAbsent(LocalDateTime.ofInstant(sealed(s), p.zone()).truncatedTo(ChronoUnit.HOURS),
                            k -> new HashSet<>()).add(p.zone().getRules().getOffset(sealed(s)));
                }
                if (offsets.values().stream().anyMatch(o -> o.size() > 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether s is the one its bucket keeps among {@code candidates} (newest first). */
        private static boolean chosen(SnapshotRef s, List<SnapshotRef> candidates, Period period, ZoneId zone) {
            String key = key(period, s, zone);
            List<SnapshotRef> same = candidates.stream().filter(x -> key(period, x, zone).equals(key)).toList();
            return same.stream().filter(Reference::complete).findFirst().orElse(same.get(0)) == s;
        }

        private static boolean complete(SnapshotRef s) {
            return !s.snapshot().incomplete();
        }

        static String key(Period period, SnapshotRef s, ZoneId zone) {
            Instant t = sealed(s);
            LocalDateTime local = LocalDateTime.ofInstant(t, zone);
            LocalDate date = local.toLocalDate();
            return switch (period) {
                case HOURLY -> local.truncatedTo(ChronoUnit.HOURS) + "@" + zone.getRules().getOffset(t);
                case DAILY -> date.toString();
                case WEEKLY -> date.get(IsoFields.WEEK_BASED_YEAR) + "-W" + date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case MONTHLY -> date.getYear() + "-" + date.getMonthValue();
                case YEARLY -> Integer.toString(date.getYear());
            };
        }

        static boolean inWindow(SnapshotRef s, Optional<Instant> anchor, KeepDuration d, ZoneId zone) {
            return anchor.isEmpty() || sealed(s).isAfter(windowStart(anchor.get(), d, zone));
        }

        /** Anchor minus d: months by hand (day clamped to the month's end), days, back on the time-line, hours. */
        static Instant windowStart(Instant anchor, KeepDuration d, ZoneId zone) {
            ZonedDateTime a = anchor.atZone(zone);
            YearMonth month = YearMonth.from(a).minusMonths(12L * d.years() + d.months());
            LocalDate date = month.atDay(Math.min(a.getDayOfMonth(), month.lengthOfMonth())).minusDays(d.days());
            ZonedDateTime local = ZonedDateTime.ofLocal(LocalDateTime.of(date, a.toLocalTime()), zone, a.getOffset());
            return local.toInstant().minusSeconds(3600L * d.hours());
        }
    }
}
