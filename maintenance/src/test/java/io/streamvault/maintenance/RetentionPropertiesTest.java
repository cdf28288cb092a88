package io.streamvault.maintenance;

import static io.streamvault.maintenance.SnapshotFixtures.BERLIN;
import static io.streamvault.maintenance.SnapshotFixtures.sealed;
import static io.streamvault.maintenance.SnapshotFixtures.snapshot;
import static io.streamvault.maintenance.SnapshotFixtures.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random snapshot histories and random policies: the plan must equal a brute-force reference model
 * written from the documented semantics alone, and keep its invariants.
 */
class RetentionPropertiesTest {

    private static final long DAY = 86_400;

    /** Where histories start: plain, around Berlin's DST changes of 2020 and 2021, around ISO week 53 of 2020. */
    private static final List<Instant> STARTS = List.of(utc("2019-01-01T00:00"), utc("2020-10-23T00:00"),
            utc("2021-03-26T00:00"), utc("2020-12-26T00:00"), utc("2024-10-25T00:00"));

    /**
     * Dense histories of a few hours around a change of the clocks: Berlin back (25 Oct 2020) and
     * forward (28 Mar 2021), New York back (1 Nov 2020), Lord Howe back by half an hour (4 Apr 2021).
     */
    private static final List<Instant> DST_STARTS = List.of(utc("2020-10-24T22:00"), utc("2021-03-27T23:00"),
            utc("2020-11-01T03:00"), utc("2021-04-03T13:00"));

    private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");

    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, BERLIN, ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"), LORD_HOWE, ZoneId.of("Pacific/Chatham"));

    private static final List<byte[]> PATHS = List.of(SnapshotFixtures.bytes("/data"),
            SnapshotFixtures.bytes("/home"), new byte[] {'/', 'r', (byte) 0xff, 'w'});

    record History(List<SnapshotRef> snapshots, Instant now) {
    }

    /** A policy as plain values: index 0 is keep-last / keep-within, 1..5 are hourly..yearly. */
    record PolicySpec(List<Integer> counts, List<KeepDuration> withins, List<String> tags, Set<GroupKey> groupBy,
            ZoneId zone) {
        RetentionPolicy build() {
            RetentionPolicy.Builder b = RetentionPolicy.builder().keepLast(counts.get(0)).keepWithin(withins.get(0))
                    .groupBy(groupBy).zone(zone);
            for (Period p : Period.values()) {
                b.keep(p, counts.get(p.ordinal() + 1)).keepWithin(p, withins.get(p.ordinal() + 1));
            }
            tags.forEach(b::keepTag);
            return b.build();
        }

        boolean keepsSomething() {
            return !tags.isEmpty() || counts.stream().anyMatch(c -> c != 0)
                    || withins.stream().anyMatch(d -> d != null);
        }

        PolicySpec withCounts(List<Integer> larger) {
            return new PolicySpec(larger, withins, tags, groupBy, zone);
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Long> span = Arbitraries.of(3 * DAY, 60 * DAY, 1500 * DAY);
        Arbitrary<Long> grain = Arbitraries.of(1L, 1800L, 3600L, DAY);
        Arbitrary<History> spread = Combinators.combine(Arbitraries.of(STARTS), span, grain).flatAs(this::history);
        return Arbitraries.frequencyOf(Tuple.of(3, spread), Tuple.of(2, hourGrid()), Tuple.of(1, aroundDst()));
    }

    @Provide
    Arbitrary<History> aroundDst() {
        return Arbitraries.of(DST_STARTS).flatMap(start -> history(start, 8 * 3600L, 600L));
    }

    /**
     * Up to 40 snapshots sealed at {@code start} plus a multiple of {@code grain} seconds, up to
     * {@code span}; most of them of one host and path, so that groups are large.
     */
    private Arbitrary<History> history(Instant start, long span, long grain) {
        Arbitrary<SnapshotRef> one = Combinators.combine(Arbitraries.longs().between(0, span / grain),
                Arbitraries.frequency(Tuple.of(4, "node1"), Tuple.of(1, "node2")),
                Arbitraries.frequency(Tuple.of(6, PATHS.get(0)), Tuple.of(1, PATHS.get(1)), Tuple.of(1, PATHS.get(2))),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Set.<String>of())),
                        Tuple.of(1, Arbitraries.of("daily", "db", "manual").set().ofMaxSize(2))),
                Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true)))
                .as((step, host, path, tags, incomplete) -> snapshot("?", start.plusSeconds(step * grain), host,
                        path, new ArrayList<>(tags), incomplete));
        return Combinators.combine(one.list().ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform()),
                Arbitraries.longs().between(-span / 10, 40 * DAY), Arbitraries.randoms())
                .as(RetentionPropertiesTest::history);
    }

    /** Gives the snapshots ids in a random order (so ids do not follow times) and sets now near the newest. */
    private static History history(List<SnapshotRef> drafts, long nowAfterNewest, Random random) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            numbers.add(i);
        }
        Collections.shuffle(numbers, random);
        List<SnapshotRef> snapshots = new ArrayList<>();
        Instant newest = utc("2019-01-01T00:00");
        for (int i = 0; i < drafts.size(); i++) {
            SnapshotRef d = drafts.get(i);
            snapshots.add(new SnapshotRef(String.format("%064x", numbers.get(i) * 7919L), d.snapshot()));
            newest = sealed(d).isAfter(newest) ? sealed(d) : newest;
        }
        return new History(snapshots, newest.plusSeconds(nowAfterNewest));
    }

    @Provide
    Arbitrary<PolicySpec> policies() {
        Arbitrary<Integer> count = Arbitraries.frequencyOf(Tuple.of(14, Arbitraries.just(0)),
                Tuple.of(6, Arbitraries.integers().between(1, 12)), Tuple.of(1, Arbitraries.just(-1)));
        Arbitrary<KeepDuration> hours = Arbitraries.integers().between(1, 72).map(h -> new KeepDuration(0, 0, 0, h));
        Arbitrary<KeepDuration> days = Arbitraries.integers().between(1, 60).map(d -> new KeepDuration(0, 0, d, 0));
        Arbitrary<KeepDuration> mixed = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 14), Arbitraries.integers().between(0, 45),
                Arbitraries.integers().between(0, 72))
                .filter((y, m, d, h) -> y + m + d + h > 0)
                .as(KeepDuration::new);
        Arbitrary<KeepDuration> duration = Arbitraries.oneOf(hours, days, mixed).injectNull(0.85);
        Arbitrary<List<KeepDuration>> withins = duration.list().ofSize(6);
        return Combinators.combine(count.list().ofSize(6), withins,
                Arbitraries.of("daily", "db", "manual").set().ofMaxSize(2).map(ArrayList::new),
                Arbitraries.of(GroupKey.class).set(),
                Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(ZONES)), Tuple.of(2, Arbitraries.just(BERLIN)),
                        Tuple.of(1, Arbitraries.just(LORD_HOWE))))
                .as((c, w, t, g, z) -> new PolicySpec(c, w, List.copyOf(t), g, z))
                .filter(PolicySpec::keepsSomething);
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 300)
    void planEqualsTheReferenceModel(@ForAll("histories") History h, @ForAll("policies") PolicySpec p) {
        RetentionPlan plan = Retention.plan(h.snapshots(), p.build(), h.now());
        Map<String, List<String>> actual = new HashMap<>();
        for (Group g : plan.groups()) {
            for (Decision d : g.decisions()) {
                actual.put(d.id(), d.reasons());
            }
        }
        assertEquals(Reference.reasons(h.snapshots(), p, h.now()), actual);

        boolean mixed = plan.groups().stream().anyMatch(g -> !g.kept().isEmpty() && !g.removed().isEmpty());
        boolean keptIncomplete = plan.groups().stream().flatMap(g -> g.kept().stream())
                .anyMatch(d -> d.snapshot().snapshot().incomplete());
        Statistics.label("keeps some and removes some of a group").collect(mixed);
        Statistics.label("keeps an incomplete snapshot").collect(keptIncomplete);
        Statistics.label("keeps some and removes some of a group").coverage(c -> c.check(true).percentage(x -> x > 25));
        Statistics.label("keeps an incomplete snapshot").coverage(c -> c.check(true).percentage(x -> x > 10));
    }

    /** Hour buckets where the clocks change: Berlin's zone, a history of a few hours there, an hourly rule. */
    @Property(tries = 200)
    void hourBucketsAroundBerlinDstEqualTheReferenceModel(@ForAll("aroundDst") History h,
            @ForAll("policies") PolicySpec random, @ForAll("hourRules") Tuple.Tuple2<Integer, KeepDuration> hourly) {
        List<Integer> counts = new ArrayList<>(random.counts());
        List<KeepDuration> withins = new ArrayList<>(random.withins());
        counts.set(Period.HOURLY.ordinal() + 1, hourly.get1());
        withins.set(Period.HOURLY.ordinal() + 1, hourly.get2());
        PolicySpec p = new PolicySpec(counts, withins, random.tags(), random.groupBy(), BERLIN);
        Map<String, List<String>> actual = new HashMap<>();
        Retention.plan(h.snapshots(), p.build(), h.now()).groups()
                .forEach(g -> g.decisions().forEach(d -> actual.put(d.id(), d.reasons())));
        assertEquals(Reference.reasons(h.snapshots(), p, h.now()), actual);
        Statistics.label("one local hour at two offsets").collect(Reference.repeatedHour(h, p));
        Statistics.label("one local hour at two offsets").coverage(c -> c.check(true).percentage(x -> x > 3));
    }

    /** Within rules on a grid of whole hours, where snapshots often lie exactly on a window's start. */
    @Property(tries = 200)
    void windowsOnAnHourGridEqualTheReferenceModel(@ForAll("hourGrid") History h,
            @ForAll("policies") PolicySpec random, @ForAll("gridWithins") List<KeepDuration> gridWithins) {
        PolicySpec p = new PolicySpec(random.counts(), gridWithins, random.tags(), random.groupBy(), random.zone());
        Map<String, List<String>> actual = new HashMap<>();
        Retention.plan(h.snapshots(), p.build(), h.now()).groups()
                .forEach(g -> g.decisions().forEach(d -> actual.put(d.id(), d.reasons())));
        assertEquals(Reference.reasons(h.snapshots(), p, h.now()), actual);
        Statistics.label("a snapshot sealed exactly at a window's start").collect(Reference.onWindowStart(h, p));
        Statistics.label("a snapshot sealed exactly at a window's start")
                .coverage(c -> c.check(true).percentage(x -> x > 15));
    }

    @Provide
    Arbitrary<History> hourGrid() {
        return Arbitraries.of(STARTS).flatMap(start -> history(start, 3 * DAY, 3600L));
    }

    @Provide
    Arbitrary<List<KeepDuration>> gridWithins() {
        Arbitrary<KeepDuration> d = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 30)).filter((days, hours) -> days + hours > 0)
                .as((days, hours) -> new KeepDuration(0, 0, days, hours));
        return d.injectNull(0.6).list().ofSize(6).filter(l -> l.stream().anyMatch(x -> x != null));
    }

    @Provide
    Arbitrary<Tuple.Tuple2<Integer, KeepDuration>> hourRules() {
        return Combinators.combine(Arbitraries.integers().between(-1, 12),
                Arbitraries.integers().between(1, 10).map(h -> new KeepDuration(0, 0, 0, h)).injectNull(0.5))
                .as(Tuple::of).filter(t -> t.get1() != 0 || t.get2() != null);
    }

    @Property(tries = 300)
    void planKeepsItsInvariants(@ForAll("histories") History h, @ForAll("policies") PolicySpec p,
            @ForAll Random random) {
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
    }

    @Property(tries = 300)
    void largerCountsKeepASuperset(@ForAll("histories") History h, @ForAll("policies") PolicySpec p,
            @ForAll("increments") List<Integer> increments) {
        List<Integer> larger = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int c = p.counts().get(i);
            int inc = increments.get(i);
            larger.add(c == -1 || inc < 0 ? -1 : c + inc);
        }
        Set<String> small = keptIds(Retention.plan(h.snapshots(), p.build(), h.now()));
        Set<String> big = keptIds(Retention.plan(h.snapshots(), p.withCounts(larger).build(), h.now()));
        assertTrue(big.containsAll(small), "counts " + p.counts() + " -> " + larger + " lost " + diff(small, big));
    }

    @Provide
    Arbitrary<List<Integer>> increments() {
        return Arbitraries.integers().between(-1, 6).list().ofSize(6);
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
