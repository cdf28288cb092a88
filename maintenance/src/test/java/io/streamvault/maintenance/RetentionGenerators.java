package io.streamvault.maintenance;

import static io.streamvault.maintenance.SnapshotFixtures.BERLIN;
import static io.streamvault.maintenance.SnapshotFixtures.sealed;
import static io.streamvault.maintenance.SnapshotFixtures.snapshot;
import static io.streamvault.maintenance.SnapshotFixtures.utc;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.maintenance.RetentionPolicy.GroupKey;
import io.streamvault.maintenance.RetentionPolicy.Period;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random snapshot histories and policies for the retention properties, each drawn from one
 * {@link SplittableRandom} so that a seed replays it.
 */
final class RetentionGenerators {

    static final long DAY = 86_400;

    /** Where histories start: plain, around Berlin's DST changes of 2020 and 2021, around ISO week 53 of 2020. */
    static final List<Instant> STARTS = List.of(utc("2019-01-01T00:00"), utc("2020-10-23T00:00"),
            utc("2021-03-26T00:00"), utc("2020-12-26T00:00"), utc("2024-10-25T00:00"));

    /**
     * Dense histories of a few hours around a change of the clocks: Berlin back (25 Oct 2020) and
     * forward (28 Mar 2021), New York back (1 Nov 2020), Lord Howe back by half an hour (4 Apr 2021).
     */
    static final List<Instant> DST_STARTS = List.of(utc("2020-10-24T22:00"), utc("2021-03-27T23:00"),
            utc("2020-11-01T03:00"), utc("2021-04-03T13:00"));

    static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");

    static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, BERLIN, ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"), LORD_HOWE, ZoneId.of("Pacific/Chatham"));

    static final List<byte[]> PATHS = List.of(SnapshotFixtures.bytes("/data"), SnapshotFixtures.bytes("/home"),
            new byte[] {'/', 'r', (byte) 0xff, 'w'});

    private static final List<Long> SPANS = List.of(3 * DAY, 60 * DAY, 1500 * DAY);
    private static final List<Long> GRAINS = List.of(1L, 1800L, 3600L, DAY);
    private static final List<String> TAGS = List.of("daily", "db", "manual");
    private static final int MAX_SNAPSHOTS = 40;

    private RetentionGenerators() {
    }

    record History(List<SnapshotRef> snapshots, Instant now) {
        /** One line per snapshot, in input order, so that a failing case can be read. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("now " + now + ", " + snapshots.size() + " snapshots");
            for (SnapshotRef ref : snapshots) {
                Snapshot s = ref.snapshot();
                sb.append("\n  ").append(ref.id()).append(' ').append(sealed(ref)).append(' ').append(s.hostname())
                        .append(' ').append(RawPaths.display(s.path())).append(' ').append(s.tags())
                        .append(s.incomplete() ? " incomplete" : "");
            }
            return sb.toString();
        }
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

        @Override
        public String toString() {
            return build().toString();
        }
    }

    /** An hourly rule: a count (-1..12) and a within duration of whole hours or none, not both absent. */
    record HourRule(int count, KeepDuration within) {
    }

    // ------------------------------------------------------------------ histories

    /** A history of one of three kinds: spread (3 in 6), on an hour grid (2 in 6), around a change of the clocks (1 in 6). */
    static History history(SplittableRandom r) {
        int kind = r.nextInt(6);
        if (kind < 3) {
            return history(r, pick(r, STARTS), pick(r, SPANS), pick(r, GRAINS));
        }
        return kind < 5 ? hourGrid(r) : aroundDst(r);
    }

    /** Three days from one of {@link #STARTS}, every snapshot on a whole hour. */
    static History hourGrid(SplittableRandom r) {
        return history(r, pick(r, STARTS), 3 * DAY, 3600);
    }

    /** Eight hours from one of {@link #DST_STARTS}, every snapshot on a multiple of ten minutes. */
    static History aroundDst(SplittableRandom r) {
        return history(r, pick(r, DST_STARTS), 8 * 3600, 600);
    }

    /**
     * Up to 40 snapshots (a uniform number) sealed at {@code start} plus a multiple of {@code grain}
     * seconds, up to {@code span}; most of them of one host and path, so that groups are large; one
     * in four tagged, one in four incomplete. Ids are given in a random order (so they do not follow
     * times); now lies between a tenth of the span before the newest and 40 days after it, often close
     * to it and sometimes exactly on it.
     */
    static History history(SplittableRandom r, Instant start, long span, long grain) {
        int n = r.nextInt(MAX_SNAPSHOTS + 1);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            numbers.add(i);
        }
        Collections.shuffle(numbers, new Random(r.nextLong()));
        List<SnapshotRef> snapshots = new ArrayList<>();
        Instant newest = utc("2019-01-01T00:00");
        for (int i = 0; i < n; i++) {
            Instant sealed = start.plusSeconds(r.nextLong(span / grain + 1) * grain);
            String host = r.nextInt(5) < 4 ? "node1" : "node2";
            int p = r.nextInt(8);
            byte[] path = PATHS.get(p < 6 ? 0 : p - 5);
            List<String> tags = r.nextInt(4) == 0 ? tags(r) : List.of();
            boolean incomplete = r.nextInt(4) == 0;
            snapshots.add(snapshot(String.format("%064x", numbers.get(i) * 7919L), sealed, host, path, tags,
                    incomplete));
            newest = sealed.isAfter(newest) ? sealed : newest;
        }
        long before = span / 10;
        int where = r.nextInt(8);
        long nowAfterNewest = where == 0 ? 0
                : where < 3 ? r.nextLong(-before, before + 1) : r.nextLong(-before, 40 * DAY + 1);
        return new History(snapshots, newest.plusSeconds(nowAfterNewest));
    }

    // ------------------------------------------------------------------ policies

    /**
     * A policy that keeps something: each count 0 (14 in 21), 1..12 (6 in 21) or -1 (1 in 21); each
     * within duration absent (85 %) or of hours, days or all units; up to two tags; any group-by keys;
     * a zone of {@link #ZONES}, Berlin or Lord Howe.
     */
    static PolicySpec policy(SplittableRandom r) {
        while (true) {
            List<Integer> counts = new ArrayList<>();
            List<KeepDuration> withins = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                counts.add(count(r));
                withins.add(r.nextInt(100) < 85 ? null : duration(r));
            }
            Set<GroupKey> groupBy = EnumSet.noneOf(GroupKey.class);
            for (GroupKey k : GroupKey.values()) {
                if (r.nextBoolean()) {
                    groupBy.add(k);
                }
            }
            int z = r.nextInt(7);
            ZoneId zone = z < 4 ? pick(r, ZONES) : z < 6 ? BERLIN : LORD_HOWE;
            PolicySpec p = new PolicySpec(counts, withins, tags(r), groupBy, zone);
            if (p.keepsSomething()) {
                return p;
            }
        }
    }

    private static int count(SplittableRandom r) {
        int c = r.nextInt(21);
        return c < 14 ? 0 : c < 20 ? r.nextInt(1, 13) : RetentionPolicy.UNLIMITED;
    }

    private static KeepDuration duration(SplittableRandom r) {
        switch (r.nextInt(3)) {
            case 0:
                return new KeepDuration(0, 0, 0, r.nextInt(1, 73));
            case 1:
                return new KeepDuration(0, 0, r.nextInt(1, 61), 0);
            default:
                while (true) {
                    int y = r.nextInt(3);
                    int m = r.nextInt(15);
                    int d = r.nextInt(46);
                    int h = r.nextInt(73);
                    if (y + m + d + h > 0) {
                        return new KeepDuration(y, m, d, h);
                    }
                }
        }
    }

    /** Six within durations of up to 2 days and 30 hours, each absent with 60 %, not all absent. */
    static List<KeepDuration> gridWithins(SplittableRandom r) {
        while (true) {
            List<KeepDuration> withins = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int days = r.nextInt(3);
                int hours = r.nextInt(31);
                withins.add(r.nextInt(10) < 6 || days + hours == 0 ? null : new KeepDuration(0, 0, days, hours));
            }
            if (withins.stream().anyMatch(d -> d != null)) {
                return withins;
            }
        }
    }

    static HourRule hourRule(SplittableRandom r) {
        while (true) {
            int count = r.nextInt(-1, 13);
            KeepDuration within = r.nextBoolean() ? null : new KeepDuration(0, 0, 0, r.nextInt(1, 11));
            if (count != 0 || within != null) {
                return new HourRule(count, within);
            }
        }
    }

    /** Six increments of counts, each -1 (to unlimited) .. 6. */
    static List<Integer> increments(SplittableRandom r) {
        List<Integer> increments = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            increments.add(r.nextInt(-1, 7));
        }
        return increments;
    }

    /** Up to two distinct tags of {@link #TAGS}, in a random order. */
    private static List<String> tags(SplittableRandom r) {
        List<String> tags = new ArrayList<>(TAGS);
        Collections.shuffle(tags, new Random(r.nextLong()));
        return List.copyOf(tags.subList(0, r.nextInt(3)));
    }

    private static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }
}
