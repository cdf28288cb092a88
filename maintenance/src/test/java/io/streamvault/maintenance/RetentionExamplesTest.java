package io.streamvault.maintenance;

import static io.streamvault.maintenance.SnapshotFixtures.BERLIN;
import static io.streamvault.maintenance.SnapshotFixtures.berlin;
import static io.streamvault.maintenance.SnapshotFixtures.bytes;
import static io.streamvault.maintenance.SnapshotFixtures.complete;
import static io.streamvault.maintenance.SnapshotFixtures.incomplete;
import static io.streamvault.maintenance.SnapshotFixtures.snapshot;
import static io.streamvault.maintenance.SnapshotFixtures.tagged;
import static io.streamvault.maintenance.SnapshotFixtures.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.RetentionPlan.Decision;
import io.streamvault.maintenance.RetentionPlan.Group;
import io.streamvault.maintenance.RetentionPolicy.Period;
import io.streamvault.vault.SnapshotRef;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Worked examples: restic's documentation, daylight-saving changes, ISO week 53, incomplete snapshots, floors. */
class RetentionExamplesTest {

    // ------------------------------------------------------------------ restic's documentation

    /** restic's example: a backup every weekday for two weeks, a second one on Fridays, none on the last Wednesday. */
    private static List<SnapshotRef> weekdays() {
        return List.of(complete("60e5c031", utc("2025-04-21T11:00")), complete("1dccffe9", utc("2025-04-22T11:00")),
                complete("90a5c949", utc("2025-04-23T11:00")), complete("79580708", utc("2025-04-24T11:00")),
                complete("8a603ddf", utc("2025-04-25T11:00")), complete("ae33bf10", utc("2025-04-25T23:00")),
                complete("fb8b1418", utc("2025-04-28T11:00")), complete("1db188b4", utc("2025-04-29T11:00")),
                complete("7baa4f28", utc("2025-05-01T11:00")), complete("05c48af3", utc("2025-05-02T11:00")),
                complete("ad72e262", utc("2025-05-02T23:00")));
    }

    @Test
    void resticKeepDaily5KeepsTheNewestOfTheLastFiveDaysThatHaveASnapshot() {
        RetentionPlan plan = plan(weekdays(), RetentionPolicy.builder().keep(Period.DAILY, 5).build(),
                utc("2025-05-03T08:00"));
        // restic's output lists the kept Friday snapshot of 2025-04-25 23:00 as 8a603ddf, a slip in its
        // doc: that id is the 11:00 one, which its remove list also shows; 23:00 is ae33bf10.
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("ad72e262", List.of("daily", "newest complete"));
        expected.put("7baa4f28", List.of("daily"));
        expected.put("1db188b4", List.of("daily"));
        expected.put("fb8b1418", List.of("daily"));
        expected.put("ae33bf10", List.of("daily"));
        assertEquals(expected, kept(plan));
        assertEquals(List.of("05c48af3", "8a603ddf", "79580708", "90a5c949", "1dccffe9", "60e5c031"), removed(plan));
    }

    @Test
    void resticKeepWithinDaily7dKeepsNothingOfTheFirstWeek() {
        RetentionPlan plan = plan(weekdays(),
                RetentionPolicy.builder().keepWithin(Period.DAILY, "7d").build(), utc("2025-05-03T08:00"));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("ad72e262", List.of("daily within 7d", "newest complete"));
        expected.put("7baa4f28", List.of("daily within 7d"));
        expected.put("1db188b4", List.of("daily within 7d"));
        expected.put("fb8b1418", List.of("daily within 7d"));
        assertEquals(expected, kept(plan));
        // ae33bf10 was sealed exactly 7 days before the newest: the window is open at its start.
        assertEquals(List.of("05c48af3", "ae33bf10", "8a603ddf", "79580708", "90a5c949", "1dccffe9", "60e5c031"),
                removed(plan));
    }

    /** restic's older example: one backup every Sunday for 12 weeks; keep-daily 4 keeps the last four Sundays. */
    @Test
    void resticKeepDaily4OnTwelveSundaysKeepsTheLastFour() {
        List<String> ids = List.of("0a1f9759", "46cfe4d5", "f6b1f037", "eb430a5d", "8cf1cb9a", "5d33b116", "b9553125",
                "e1a7b58b", "8f8018c0", "59403279", "dfee9fb4", "e1ae2f40");
        List<SnapshotRef> sundays = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            sundays.add(complete(ids.get(i), utc("2019-09-01T11:00").plus(7L * i, ChronoUnit.DAYS)));
        }
        // Run on a Friday with no snapshot since Sunday: still the last four Sundays (days without
        // snapshots do not count).
        RetentionPlan plan = plan(sundays, RetentionPolicy.builder().keep(Period.DAILY, 4).build(),
                utc("2019-11-22T09:00"));
        assertEquals(List.of("e1ae2f40", "dfee9fb4", "59403279", "8f8018c0"), List.copyOf(kept(plan).keySet()));
        assertEquals(8, removed(plan).size());
    }

    /**
     * restic's example: a backup every day for 100 years, keep-daily 7 keep-weekly 5 keep-monthly 12
     * keep-yearly 75 keeps 7 dailies, 4 more week ends, 11 or 12 month ends and 74 or 75 year ends.
     * Ending on Sunday 31 December 2023: the dailies are one whole week, December's weekly, monthly
     * and yearly snapshot is the same one, so 7 + 4 + 11 + 74 = 96.
     */
    @Test
    void resticHundredYearsOfDailyBackups() {
        List<SnapshotRef> days = new ArrayList<>();
        for (LocalDate d = LocalDate.of(1924, 1, 1); !d.isAfter(LocalDate.of(2023, 12, 31)); d = d.plusDays(1)) {
            days.add(complete(d.toString(), d.atTime(11, 0).toInstant(ZoneOffset.UTC)));
        }
        RetentionPolicy policy = RetentionPolicy.builder().keep(Period.DAILY, 7).keep(Period.WEEKLY, 5)
                .keep(Period.MONTHLY, 12).keep(Period.YEARLY, 75).build();
        RetentionPlan plan = plan(days, policy, utc("2024-01-01T00:00"));

        Set<String> expected = new TreeSet<>();
        for (int day = 25; day <= 31; day++) {
            expected.add("2023-12-" + day);
        }
        expected.addAll(List.of("2023-12-03", "2023-12-10", "2023-12-17", "2023-12-24"));
        for (int month = 1; month <= 11; month++) {
            expected.add(LocalDate.of(2023, month, 1).withDayOfMonth(LocalDate.of(2023, month, 1).lengthOfMonth())
                    .toString());
        }
        for (int year = 1949; year <= 2022; year++) {
            expected.add(year + "-12-31");
        }
        assertEquals(96, expected.size());
        assertEquals(expected, new TreeSet<>(kept(plan).keySet()));
        Map<String, Integer> perReason = new LinkedHashMap<>();
        kept(plan).values().forEach(rs -> rs.forEach(r -> perReason.merge(r, 1, Integer::sum)));
        assertEquals(Map.of("daily", 7, "weekly", 5, "monthly", 12, "yearly", 75, "newest complete", 1), perReason);
    }

    /**
     * restic's warning for append-only vaults: an attacker who adds a snapshot late in each of the last
     * three weeks makes keep-weekly 3 drop every real one, while keep-within keeps them all.
     */
    @Test
    void resticAppendOnlyWarningKeepWeeklyCanBeGamedKeepWithinCannot() {
        List<SnapshotRef> history = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            history.add(complete("real-" + i, utc("2025-04-07T01:00").plus(i, ChronoUnit.DAYS)));
        }
        for (int week = 0; week < 3; week++) {
            history.add(complete("evil-" + week, utc("2025-04-13T23:00").plus(7L * week, ChronoUnit.DAYS)));
        }
        RetentionPlan weekly = plan(history, RetentionPolicy.builder().keep(Period.WEEKLY, 3).build(),
                utc("2025-04-28T08:00"));
        assertEquals(List.of("evil-2", "evil-1", "evil-0"), List.copyOf(kept(weekly).keySet()));

        RetentionPlan within = plan(history, RetentionPolicy.builder().keepWithin("21d").build(),
                utc("2025-04-28T08:00"));
        assertEquals(24, kept(within).size());
    }

    @Test
    void keepLast1KeepsOnlyTheNewest() {
        List<SnapshotRef> history = List.of(complete("a", utc("2025-01-01T10:00")),
                complete("b", utc("2025-01-02T10:00")), complete("c", utc("2025-01-03T10:00")));
        RetentionPlan plan = plan(history, RetentionPolicy.builder().keepLast(1).build(), utc("2025-01-04T00:00"));
        assertEquals(Map.of("c", List.of("last", "newest complete")), kept(plan));
        assertEquals(List.of("b", "a"), removed(plan));

        RetentionPlan all = plan(history, RetentionPolicy.builder().keepLast("unlimited").build(),
                utc("2025-01-04T00:00"));
        assertEquals(3, kept(all).size());
    }

    // ------------------------------------------------------------------ daylight saving (Europe/Berlin)

    /** 27 October 2024 in Berlin has 25 hours: 02:00–03:00 comes twice (summer time, then winter time). */
    private static List<SnapshotRef> everyHourOf27October2024() {
        List<SnapshotRef> hours = new ArrayList<>();
        for (int k = 0; k < 25; k++) {
            hours.add(complete(String.format("h%02d", k), utc("2024-10-26T22:30").plus(k, ChronoUnit.HOURS)));
        }
        return hours;
    }

    @Test
    void aDayOf25HoursIsOneDayAndTwentyFiveHours() {
        List<SnapshotRef> hours = everyHourOf27October2024();
        RetentionPlan daily = plan(hours, RetentionPolicy.builder().keep(Period.DAILY, 2).zone(BERLIN).build(),
                utc("2024-10-28T00:00"));
        assertEquals(List.of("h24"), List.copyOf(kept(daily).keySet()), "one local day, so one daily snapshot");

        RetentionPlan hourly = plan(hours,
                RetentionPolicy.builder().keep(Period.HOURLY, RetentionPolicy.UNLIMITED).zone(BERLIN).build(),
                utc("2024-10-28T00:00"));
        assertEquals(25, kept(hourly).size(), "the repeated hour 02:00-03:00 is two hours");

        RetentionPlan utcDaily = plan(hours, RetentionPolicy.builder().keep(Period.DAILY, 2).build(),
                utc("2024-10-28T00:00"));
        assertEquals(List.of("h24", "h01"), List.copyOf(kept(utcDaily).keySet()),
                "in UTC the same hours span two days");
    }

    @Test
    void aDayOf23HoursIsOneDayAndTwentyThreeHours() {
        List<SnapshotRef> hours = new ArrayList<>();
        for (int k = 0; k < 23; k++) {
            hours.add(complete(String.format("h%02d", k), utc("2024-03-30T23:30").plus(k, ChronoUnit.HOURS)));
        }
        assertEquals(berlin("2024-03-31T23:30"), utc("2024-03-30T23:30").plus(22, ChronoUnit.HOURS));
        RetentionPlan daily = plan(hours, RetentionPolicy.builder().keep(Period.DAILY, 2).zone(BERLIN).build(),
                utc("2024-04-01T00:00"));
        assertEquals(List.of("h22"), List.copyOf(kept(daily).keySet()));
        RetentionPlan hourly = plan(hours, RetentionPolicy.builder().keep(Period.HOURLY, 30).zone(BERLIN).build(),
                utc("2024-04-01T00:00"));
        assertEquals(23, kept(hourly).size());
        RetentionPlan within = plan(hours,
                RetentionPolicy.builder().keepWithin(Period.HOURLY, "3h").zone(BERLIN).build(),
                utc("2024-04-01T00:00"));
        assertEquals(List.of("h22", "h21", "h20"), List.copyOf(kept(within).keySet()));
    }

    @Test
    void daysAreCutAtLocalMidnight() {
        List<SnapshotRef> history = List.of(complete("late", utc("2024-07-01T21:30")),
                complete("after-midnight", utc("2024-07-01T22:30")));
        RetentionPolicy.Builder keepDaily2 = RetentionPolicy.builder().keep(Period.DAILY, 2);
        assertEquals(2, kept(plan(history, keepDaily2.zone(BERLIN).build(), utc("2024-07-02T12:00"))).size(),
                "23:30 and 00:30 in Berlin are two days");
        assertEquals(Map.of("after-midnight", List.of("daily", "newest complete")),
                kept(plan(history, keepDaily2.zone("UTC").build(), utc("2024-07-02T12:00"))),
                "21:30 and 22:30 UTC are one day");
    }

    @Test
    void withinDaysAreCalendarDaysAcrossTheChangeToWinterTime() {
        Instant anchor = utc("2024-10-27T11:00");
        List<SnapshotRef> history = List.of(complete("anchor", anchor), complete("25h-before", utc("2024-10-26T10:30")),
                complete("26h-before", utc("2024-10-26T09:30")));
        assertEquals(Set.of("anchor", "25h-before"),
                kept(plan(history, RetentionPolicy.builder().keepWithin("1d").zone(BERLIN).build(), anchor)).keySet(),
                "one day back from 12:00 CET is 12:00 CEST the day before, 25 hours");
        assertEquals(Set.of("anchor"),
                kept(plan(history, RetentionPolicy.builder().keepWithin("24h").zone(BERLIN).build(), anchor)).keySet());
    }

    @Test
    void aWindowStartingInTheRepeatedHourTakesTheAnchorsOffset() {
        Instant anchor = utc("2024-10-28T01:30"); // 02:30 CET, so one day back is 02:30 CET (01:30 UTC), not CEST
        List<SnapshotRef> history = List.of(complete("anchor", anchor),
                complete("0240-cet", utc("2024-10-27T01:40")), complete("0220-cet", utc("2024-10-27T01:20")),
                complete("0240-cest", utc("2024-10-27T00:40")));
        assertEquals(utc("2024-10-27T01:30"), new KeepDuration(0, 0, 1, 0).before(anchor, BERLIN));
        assertEquals(Set.of("anchor", "0240-cet"),
                kept(plan(history, RetentionPolicy.builder().keepWithin("1d").zone(BERLIN).build(), anchor)).keySet());
    }

    @Test
    void monthsBackAreClampedToTheEndOfTheShorterMonth() {
        Instant end = utc("2024-03-31T12:00");
        assertEquals(utc("2024-02-29T12:00"), new KeepDuration(0, 1, 0, 0).before(end, ZoneOffset.UTC));
        assertEquals(utc("2023-02-28T12:00"), new KeepDuration(1, 1, 0, 0).before(end, ZoneOffset.UTC));
        assertEquals(utc("2022-02-26T09:00"),
                KeepDuration.parse("keep-within", "2y1m2d3h").before(end, ZoneOffset.UTC));
    }

    // ------------------------------------------------------------------ ISO weeks and years

    @Test
    void isoWeek53Of2020SpansTheNewYear() {
        List<SnapshotRef> history = List.of(complete("2020-12-27", utc("2020-12-27T12:00")),
                complete("2020-12-29", utc("2020-12-29T12:00")), complete("2020-12-31", utc("2020-12-31T12:00")),
                complete("2021-01-01", utc("2021-01-01T12:00")), complete("2021-01-03", utc("2021-01-03T12:00")),
                complete("2021-01-04", utc("2021-01-04T12:00")));
        Instant now = utc("2021-01-05T00:00");
        assertEquals(List.of("2021-01-04", "2021-01-03"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.WEEKLY, 2).build(), now)),
                "2021-01-03 is the Sunday of 2020-W53, which began on 2020-12-28");
        assertEquals(List.of("2021-01-04", "2021-01-03", "2020-12-27"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.WEEKLY, 3).build(), now)));
        assertEquals(List.of("2021-01-04", "2020-12-31"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.YEARLY, 2).build(), now)));
        assertEquals(List.of("2021-01-04", "2020-12-31"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.MONTHLY, 2).build(), now)));
    }

    @Test
    void isoWeek1Of2025BeginsIn2024() {
        List<SnapshotRef> history = List.of(complete("2024-12-29", utc("2024-12-29T12:00")),
                complete("2024-12-30", utc("2024-12-30T12:00")), complete("2025-01-02", utc("2025-01-02T12:00")));
        Instant now = utc("2025-01-03T00:00");
        assertEquals(List.of("2025-01-02"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.WEEKLY, 1).build(), now)));
        assertEquals(List.of("2025-01-02", "2024-12-29"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.WEEKLY, 2).build(), now)));
        assertEquals(List.of("2025-01-02", "2024-12-30"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.YEARLY, 2).build(), now)));
    }

    @Test
    void theNewYearComesEarlierInBerlin() {
        List<SnapshotRef> history = List.of(complete("noon-31", utc("2020-12-31T12:00")),
                complete("2330-31", utc("2020-12-31T23:30")), complete("noon-01", utc("2021-01-01T12:00")));
        Instant now = utc("2021-01-02T00:00");
        assertEquals(List.of("noon-01", "2330-31"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.YEARLY, 2).build(), now)));
        assertEquals(List.of("noon-01", "noon-31"),
                keptIds(plan(history, RetentionPolicy.builder().keep(Period.YEARLY, 2).zone(BERLIN).build(), now)),
                "23:30 UTC on 31 December is 00:30 on 1 January in Berlin");
    }

    // ------------------------------------------------------------------ incomplete snapshots and floors

    @Test
    void bucketRulesPreferACompleteSnapshotAndTakeAnIncompleteOneOnlyWhenTheBucketHasNoOther() {
        List<SnapshotRef> history = List.of(complete("d1-complete", utc("2025-03-01T10:00")),
                incomplete("d1-incomplete", utc("2025-03-01T18:00")),
                incomplete("d2-incomplete", utc("2025-03-02T09:00")),
                complete("d0-complete", utc("2025-02-28T10:00")));
        RetentionPlan plan = plan(history, RetentionPolicy.builder().keep(Period.DAILY, 2).build(),
                utc("2025-03-03T00:00"));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("d2-incomplete", List.of("daily"));
        expected.put("d1-complete", List.of("daily", "newest complete"));
        assertEquals(expected, kept(plan));
        assertEquals(List.of("d1-incomplete", "d0-complete"), removed(plan));
    }

    @Test
    void keepLastCountsCompleteSnapshotsFirst() {
        List<SnapshotRef> history = List.of(incomplete("i5", utc("2025-03-05T10:00")),
                complete("c4", utc("2025-03-04T10:00")),
                incomplete("i3", utc("2025-03-03T10:00")), complete("c2", utc("2025-03-02T10:00")),
                complete("c1", utc("2025-03-01T10:00")));
        Instant now = utc("2025-03-06T00:00");
        assertEquals(List.of("c4", "c2"), keptIds(plan(history, RetentionPolicy.builder().keepLast(2).build(), now)));
        assertEquals(List.of("i5", "c4", "c2", "c1"),
                keptIds(plan(history, RetentionPolicy.builder().keepLast(4).build(), now)),
                "three complete ones, then the newest incomplete one fills the fourth place");
    }

    @Test
    void keepWithinAndKeepTagKeepIncompleteSnapshotsToo() {
        List<SnapshotRef> history = List.of(incomplete("i-new", utc("2025-03-05T10:00")),
                complete("c", utc("2025-03-03T10:00")),
                snapshot("i-tagged", utc("2025-01-01T10:00"), "node1", bytes("/data"), List.of("keep"), true),
                incomplete("i-old", utc("2025-01-02T10:00")));
        RetentionPlan plan = plan(history, RetentionPolicy.builder().keepWithin("1d").keepTag("keep").build(),
                utc("2025-03-06T00:00"));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("i-new", List.of("within 1d"));
        expected.put("c", List.of("newest complete"));
        expected.put("i-tagged", List.of("tag keep"));
        assertEquals(expected, kept(plan), "the window is measured back from the newest snapshot, incomplete or not");
        assertEquals(List.of("i-old"), removed(plan));
    }

    @Test
    void theNewestCompleteSnapshotIsAlwaysKeptAndAGroupOfIncompleteOnesMayEmpty() {
        List<SnapshotRef> history = List.of(incomplete("a-new", utc("2025-03-05T10:00")),
                complete("a-complete", utc("2025-03-04T10:00")), complete("a-old", utc("2025-03-01T10:00")),
                snapshot("b-1", utc("2025-03-05T10:00"), "node2", bytes("/data"), List.of(), true),
                snapshot("b-2", utc("2025-03-04T10:00"), "node2", bytes("/data"), List.of(), true));
        RetentionPlan plan = Retention.plan(history, RetentionPolicy.builder().keepTag("nothing-has-it").build(),
                utc("2025-03-06T00:00"));
        Group a = plan.groups().get(0);
        Group b = plan.groups().get(1);
        assertEquals("host=node1 path=/data", a.label());
        assertEquals(List.of("a-complete"), a.kept().stream().map(Decision::id).toList());
        assertEquals(List.of("newest complete"), a.kept().get(0).reasons());
        assertFalse(a.removesAll());
        assertEquals("host=node2 path=/data", b.label());
        assertTrue(b.removesAll());
        assertEquals(List.of(b), plan.groupsRemovedWhole());
        assertEquals(List.of("a-new", "a-old", "b-1", "b-2"), plan.removals().stream().map(SnapshotRef::id).toList());
    }

    @Test
    void snapshotsFromTheFutureDoNotMoveTheAnchorButAreWithin() {
        Instant now = utc("2025-03-10T12:00");
        List<SnapshotRef> history = List.of(complete("future", now.plus(5, ChronoUnit.DAYS)),
                complete("yesterday", now.minus(1, ChronoUnit.DAYS)), complete("3d-ago", now.minus(3, ChronoUnit.DAYS)));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("future", List.of("within 2d", "newest complete"));
        expected.put("yesterday", List.of("within 2d"));
        assertEquals(expected, kept(plan(history, RetentionPolicy.builder().keepWithin("2d").build(), now)),
                "the window ends at yesterday's snapshot; 3d-ago lies exactly on its start");
        assertEquals(3, kept(plan(history, RetentionPolicy.builder().keepWithin("2d").build(),
                now.minus(10, ChronoUnit.DAYS))).size(), "all in the future: every snapshot is within");
    }

    @Test
    void everyReasonIsListedInRuleOrder() {
        List<SnapshotRef> history = List.of(tagged("newest", utc("2025-03-05T10:00"), "x"),
                complete("older", utc("2025-03-01T10:00")));
        RetentionPolicy policy = RetentionPolicy.builder().keepLast(1).keep(Period.DAILY, 1).keepWithin("1d")
                .keepWithin(Period.DAILY, "1d").keepTag("x").build();
        assertEquals(Map.of("newest", List.of("last", "daily", "within 1d", "daily within 1d", "tag x", "newest complete")),
                kept(plan(history, policy, utc("2025-03-06T00:00"))));
    }

    @Test
    void equalTimesAreOrderedById() {
        Instant t = utc("2025-03-05T10:00");
        RetentionPlan plan = plan(List.of(complete("b", t), complete("c", t), complete("a", t)),
                RetentionPolicy.builder().keepLast(1).build(), utc("2025-03-06T00:00"));
        assertEquals(List.of("a", "b", "c"), plan.groups().get(0).decisions().stream().map(Decision::id).toList());
        assertEquals(List.of("a"), keptIds(plan));
    }

    // ------------------------------------------------------------------ groups

    @Test
    void groupsAreLabelledByTheirKeys() {
        Instant t = utc("2025-03-05T10:00");
        List<SnapshotRef> history = List.of(snapshot("1", t, "node1", bytes("/data"), List.of("db", "daily"), false),
                snapshot("2", t, "node1", bytes("/data"), List.of("daily", "db", "db"), false),
                snapshot("3", t, "node2", bytes("/data"), List.of(), false),
                snapshot("4", t, "node1", new byte[] {'/', 'r', (byte) 0xff}, List.of(), false),
                snapshot("5", t, null, bytes("/data"), List.of(), false));
        RetentionPolicy.Builder b = RetentionPolicy.builder().keepLast(1);
        Instant now = utc("2025-03-06T00:00");
        assertEquals(List.of("host= path=/data", "host=node1 path=/data", "host=node1 path=/r\\xff",
                "host=node2 path=/data"), labels(Retention.plan(history, b.build(), now)));
        assertEquals(List.of("tags=", "tags=daily,db"), labels(Retention.plan(history, b.groupBy("tags").build(), now)));
        assertEquals(List.of("host= path=/data tags=", "host=node1 path=/data tags=daily,db",
                        "host=node1 path=/r\\xff tags=", "host=node2 path=/data tags="),
                labels(Retention.plan(history, b.groupBy("host,path,tags").build(), now)));
        RetentionPlan all = Retention.plan(history, b.groupBy("").build(), now);
        assertEquals(List.of("all"), labels(all));
        assertEquals(List.of("1"), keptIds(all));
    }

    @Test
    void aSnapshotListedTwiceIsRefused() {
        SnapshotRef s = complete("a", utc("2025-03-05T10:00"));
        FatalException e = assertThrows(FatalException.class,
                () -> Retention.plan(List.of(s, s), RetentionPolicy.builder().keepLast(1).build(), Instant.now()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("a"), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    /** The plan of snapshots that all belong to one group. */
    private static RetentionPlan plan(List<SnapshotRef> snapshots, RetentionPolicy policy, Instant now) {
        RetentionPlan plan = Retention.plan(snapshots, policy, now);
        assertEquals(1, plan.groups().size());
        return plan;
    }

    /** Kept ids, newest first, with their reasons. */
    private static Map<String, List<String>> kept(RetentionPlan plan) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        plan.groups().forEach(g -> g.kept().forEach(d -> kept.put(d.id(), d.reasons())));
        return kept;
    }

    private static List<String> keptIds(RetentionPlan plan) {
        return List.copyOf(kept(plan).keySet());
    }

    private static List<String> removed(RetentionPlan plan) {
        return plan.removals().stream().map(SnapshotRef::id).toList();
    }

    private static List<String> labels(RetentionPlan plan) {
        return plan.groups().stream().map(Group::label).toList();
    }
}
