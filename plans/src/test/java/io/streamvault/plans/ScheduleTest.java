package io.streamvault.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.plans.Schedule.Due;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The slots of every kind of schedule, across daylight-saving changes, and the catch-up arithmetic. */
class ScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    // Berlin 2024: clocks go 02:00 -> 03:00 on 31 March (01:00Z), 03:00 -> 02:00 on 27 October (01:00Z).
    // New York 2024: 02:00 -> 03:00 on 10 March (07:00Z), 02:00 -> 01:00 on 3 November (06:00Z).

    @Test
    void everyFifteenMinutesAtAndBetweenBoundaries() {
        Schedule s = Schedule.parse("every 15m", UTC);
        assertEquals(at("2024-05-01T10:30:00Z"), s.next(at("2024-05-01T10:15:00Z")), "next is strictly after");
        assertEquals(at("2024-05-01T10:30:00Z"), s.next(at("2024-05-01T10:15:00.000000001Z")));
        assertEquals(at("2024-05-01T10:15:00Z"), s.next(at("2024-05-01T10:14:59.999999999Z")));
        assertEquals(at("2024-05-01T10:15:00Z"), s.next(at("2024-05-01T10:07:00Z")));
        assertEquals(Optional.of(at("2024-05-01T10:15:00Z")), s.latestAtOrBefore(at("2024-05-01T10:15:00Z")),
                "a slot is at or before itself");
        assertEquals(Optional.of(at("2024-05-01T10:00:00Z")), s.latestAtOrBefore(at("2024-05-01T10:14:59.999999999Z")));
        assertEquals(Optional.of(at("2024-05-01T10:15:00Z")), s.latestAtOrBefore(at("2024-05-01T10:29:59Z")));
    }

    @Test
    void everyCountsMultiplesSinceTheEpochWhateverTheZone() {
        Schedule sevenMinutes = Schedule.parse("every 7m", BERLIN);
        assertEquals(Instant.ofEpochSecond(420), sevenMinutes.next(Instant.EPOCH));
        assertEquals(Optional.of(Instant.ofEpochSecond(-420)), sevenMinutes.latestAtOrBefore(Instant.ofEpochSecond(-1)));
        Instant t = at("2024-05-01T10:00:00Z");
        assertEquals(0, sevenMinutes.next(t).getEpochSecond() % 420);
        assertEquals(Schedule.parse("every 7m", TOKYO).next(t), sevenMinutes.next(t));
        assertEquals(at("2024-05-01T10:00:05Z"), Schedule.parse("every 5s", UTC).next(at("2024-05-01T10:00:02Z")));
        assertEquals(at("2024-05-01T12:00:00Z"), Schedule.parse("every 2h", TOKYO).next(at("2024-05-01T10:00:00Z")));
        assertEquals(at("2024-05-02T00:00:00Z"), Schedule.parse("every 1d", TOKYO).next(at("2024-05-01T10:00:00Z")),
                "every 1d is midnight UTC, not in the zone");
    }

    @Test
    void everyHourIgnoresDaylightSaving() {
        for (ZoneId zone : List.of(BERLIN, NEW_YORK)) {
            Schedule s = Schedule.parse("every 1h", zone);
            int year = 2024;
            LocalDate spring = zone.equals(BERLIN) ? LocalDate.of(year, 3, 31) : LocalDate.of(year, 3, 10);
            LocalDate autumn = zone.equals(BERLIN) ? LocalDate.of(year, 10, 27) : LocalDate.of(year, 11, 3);
            assertEquals(23, slotsOnLocalDay(s, spring).size(), zone + " " + spring);
            assertEquals(25, slotsOnLocalDay(s, autumn).size(), zone + " " + autumn);
            assertEquals(24, slotsOnLocalDay(s, LocalDate.of(year, 5, 1)).size());
            for (LocalDate day : List.of(spring, autumn)) {
                assertEquals(List.of(Duration.ofHours(1)), distinctGaps(slotsOnLocalDay(s, day)), zone + " " + day);
            }
        }
    }

    @Test
    void hourlyIsMinuteZeroOnTheWallClock() {
        Schedule s = Schedule.parse("hourly", UTC);
        assertEquals(at("2024-05-01T11:00:00Z"), s.next(at("2024-05-01T10:00:00Z")));
        assertEquals(at("2024-05-01T11:00:00Z"), s.next(at("2024-05-01T10:59:59.9Z")));
        assertEquals(Optional.of(at("2024-05-01T10:00:00Z")), s.latestAtOrBefore(at("2024-05-01T10:00:00Z")));
        assertEquals(Optional.of(at("2024-05-01T10:00:00Z")), s.latestAtOrBefore(at("2024-05-01T10:59:59Z")));
        assertEquals(Optional.of(at("2024-05-01T10:00:00Z")), s.latestAtOrBefore(at("2024-05-01T10:00:30.5Z")),
                "within the slot's minute, the slot itself");
        // India is 5:30 ahead of UTC: its full hours are half past in UTC
        Schedule kolkata = Schedule.parse("hourly", ZoneId.of("Asia/Kolkata"));
        assertEquals(at("2024-05-01T10:30:00Z"), kolkata.next(at("2024-05-01T10:00:00Z")));
        assertEquals(Duration.ofHours(1), s.period(at("2024-05-01T10:00:00Z")));
    }

    @Test
    void aDailyTimeTheSpringForwardSkipsFiresOnceAtTheEndOfTheGap() {
        Schedule berlin = Schedule.parse("daily at 02:30", BERLIN);
        assertEquals(List.of(at("2024-03-30T01:30:00Z"), at("2024-03-31T01:00:00Z"), at("2024-04-01T00:30:00Z")),
                slotsIn(berlin, at("2024-03-29T12:00:00Z"), at("2024-04-01T12:00:00Z")),
                "02:30 CET, then 03:00 CEST (the end of the gap), then 02:30 CEST");
        assertEquals(1, slotsOnLocalDay(berlin, LocalDate.of(2024, 3, 31)).size());
        assertEquals(at("2024-03-31T01:00:00Z"), berlin.next(at("2024-03-31T00:59:59Z")));
        assertEquals(Optional.of(at("2024-03-31T01:00:00Z")), berlin.latestAtOrBefore(at("2024-03-31T01:00:00Z")));
        assertEquals(Optional.of(at("2024-03-30T01:30:00Z")), berlin.latestAtOrBefore(at("2024-03-31T00:59:59Z")));

        Schedule newYork = Schedule.parse("daily at 02:30", NEW_YORK);
        assertEquals(List.of(at("2024-03-09T07:30:00Z"), at("2024-03-10T07:00:00Z"), at("2024-03-11T06:30:00Z")),
                slotsIn(newYork, at("2024-03-09T00:00:00Z"), at("2024-03-11T12:00:00Z")));
        assertEquals(slotsIn(newYork, at("2024-03-01T00:00:00Z"), at("2024-04-01T00:00:00Z")),
                slotsIn(Schedule.parse("30 2 * * *", NEW_YORK), at("2024-03-01T00:00:00Z"), at("2024-04-01T00:00:00Z")),
                "a cron expression follows the same rule");
    }

    @Test
    void aDailyTimeTheFallBackRepeatsFiresOnceAtItsFirstOccurrence() {
        Schedule berlin = Schedule.parse("daily at 02:30", BERLIN);
        assertEquals(List.of(at("2024-10-26T00:30:00Z"), at("2024-10-27T00:30:00Z"), at("2024-10-28T01:30:00Z")),
                slotsIn(berlin, at("2024-10-25T12:00:00Z"), at("2024-10-28T12:00:00Z")),
                "02:30 CEST twice, then 02:30 CET; not 02:30 CET on the 27th");
        Instant secondPass = at("2024-10-27T01:30:00Z"); // 02:30 CET, the wall clock shows 02:30 again
        assertEquals(Optional.of(at("2024-10-27T00:30:00Z")), berlin.latestAtOrBefore(secondPass));
        assertEquals(at("2024-10-28T01:30:00Z"), berlin.next(secondPass));
        assertEquals(at("2024-10-28T01:30:00Z"), berlin.next(at("2024-10-27T00:30:00Z")));

        Schedule newYork = Schedule.parse("daily at 01:30", NEW_YORK);
        assertEquals(List.of(at("2024-11-03T05:30:00Z")), slotsOnLocalDay(newYork, LocalDate.of(2024, 11, 3)),
                "01:30 EDT only");
        assertEquals(at("2024-11-04T06:30:00Z"), newYork.next(at("2024-11-03T06:30:00Z")));
    }

    @Test
    void anHourlyCronSkipsTheRepeatedHourAndTheMissingOne() {
        for (String spec : List.of("0 * * * *", "hourly")) {
            Schedule s = Schedule.parse(spec, BERLIN);
            List<Instant> autumn = slotsOnLocalDay(s, LocalDate.of(2024, 10, 27));
            assertEquals(24, autumn.size(), spec + ": one slot per wall-clock hour, not per real hour");
            assertTrue(autumn.contains(at("2024-10-27T00:00:00Z")) && autumn.contains(at("2024-10-27T02:00:00Z")));
            assertTrue(!autumn.contains(at("2024-10-27T01:00:00Z")), "02:00 CET (the second 02:00) is skipped");
            assertEquals(at("2024-10-27T02:00:00Z"), s.next(at("2024-10-27T01:30:00Z")));
            assertEquals(Duration.ofHours(2), s.period(at("2024-10-26T22:30:00Z")));

            List<Instant> spring = slotsOnLocalDay(s, LocalDate.of(2024, 3, 31));
            assertEquals(23, spring.size(), spec);
            assertEquals(List.of(Duration.ofHours(1)), distinctGaps(spring), "02:00 and 03:00 are both 03:00 CEST: once");
        }
        Schedule quarters = Schedule.parse("*/15 * * * *", BERLIN);
        assertEquals(List.of(at("2024-03-31T00:45:00Z"), at("2024-03-31T01:00:00Z"), at("2024-03-31T01:15:00Z")),
                slotsIn(quarters, at("2024-03-31T00:30:00Z"), at("2024-03-31T01:30:00Z")),
                "02:00 to 02:45 do not exist: they are the one slot at 03:00 CEST");
    }

    @Test
    void nextAndLatestAgreeAroundEveryClockChange() {
        List<String> specs = List.of("*/15 * * * *", "0 * * * *", "30 2 * * *", "30 1 * * *", "daily at 02:00",
                "every 1h", "45 */2 * * 1-5");
        Map<ZoneId, List<Instant>> clockChanges = Map.of(
                BERLIN, List.of(at("2024-03-31T01:00:00Z"), at("2024-10-27T01:00:00Z")),
                NEW_YORK, List.of(at("2024-03-10T07:00:00Z"), at("2024-11-03T06:00:00Z")));
        for (Map.Entry<ZoneId, List<Instant>> zone : clockChanges.entrySet()) {
            for (String spec : specs) {
                Schedule s = Schedule.parse(spec, zone.getKey());
                for (Instant change : zone.getValue()) {
                    Instant end = change.plus(Duration.ofHours(4));
                    for (Instant t = change.minus(Duration.ofHours(4)); t.isBefore(end); t = t.plusSeconds(11 * 60 + 7)) {
                        Instant latest = s.latestAtOrBefore(t).orElseThrow();
                        Instant next = s.next(t);
                        String where = spec + " in " + zone.getKey() + " at " + t;
                        assertTrue(!latest.isAfter(t) && next.isAfter(t), where);
                        assertEquals(next, s.next(latest), where + ": no slot between latest and next");
                        assertEquals(Optional.of(next), s.latestAtOrBefore(next), where);
                    }
                }
            }
        }
    }

    @Test
    void weeklyOnMondayInAZone() {
        Schedule s = Schedule.parse("weekly on mon at 02:00", BERLIN);
        assertEquals(at("2024-05-06T00:00:00Z"), s.next(at("2024-05-01T12:00:00Z")), "Monday 02:00 CEST");
        assertEquals(at("2024-05-13T00:00:00Z"), s.next(at("2024-05-06T00:00:00Z")));
        assertEquals(at("2024-01-08T01:00:00Z"), s.next(at("2024-01-03T00:00:00Z")), "Monday 02:00 CET");
        assertEquals(Optional.of(at("2024-05-06T00:00:00Z")), s.latestAtOrBefore(at("2024-05-06T00:00:00Z")));
        assertEquals(Optional.of(at("2024-04-29T00:00:00Z")), s.latestAtOrBefore(at("2024-05-05T23:59:59Z")));
        assertEquals(Duration.ofDays(7), s.period(at("2024-05-01T00:00:00Z")));
        assertEquals(at("2024-05-05T00:00:00Z"),
                Schedule.parse("weekly on sun at 00:00", UTC).next(at("2024-05-01T00:00:00Z")), "Sunday is day 0 of cron");
    }

    @Test
    void monthlyOnADayOfTheMonth() {
        Schedule s = Schedule.parse("monthly on 15 at 01:00", NEW_YORK);
        assertEquals(List.of(at("2024-02-15T06:00:00Z"), at("2024-03-15T05:00:00Z"), at("2024-04-15T05:00:00Z")),
                slotsIn(s, at("2024-01-20T00:00:00Z"), at("2024-05-01T00:00:00Z")), "01:00 EST, then EDT");
        assertEquals(Optional.of(at("2024-01-15T06:00:00Z")), s.latestAtOrBefore(at("2024-02-15T05:59:59Z")));
        assertEquals(Duration.ofDays(31), Schedule.parse("monthly on 1 at 03:00", UTC).period(at("2024-02-10T00:00:00Z")));
    }

    @Test
    void cronRangesStepsListsAndNames() {
        Schedule weekdays = Schedule.parse("30 2 * * 1-5", UTC);
        assertEquals(at("2024-05-06T02:30:00Z"), weekdays.next(at("2024-05-03T03:00:00Z")), "Friday after 02:30: Monday");
        assertEquals(at("2024-05-07T02:30:00Z"), weekdays.next(at("2024-05-06T02:30:00Z")));
        assertEquals(Optional.of(at("2024-05-03T02:30:00Z")), weekdays.latestAtOrBefore(at("2024-05-05T12:00:00Z")));

        assertEquals(List.of(at("2024-05-01T09:00:00Z"), at("2024-05-01T09:20:00Z"), at("2024-05-01T09:40:00Z"),
                at("2024-05-01T10:00:00Z"), at("2024-05-01T10:20:00Z"), at("2024-05-01T10:40:00Z"),
                at("2024-05-02T09:00:00Z")),
                slotsIn(Schedule.parse("*/20 9-10 * * *", UTC), at("2024-05-01T00:00:00Z"), at("2024-05-02T09:10:00Z")));
        assertEquals(List.of(at("2024-05-01T08:00:00Z"), at("2024-05-01T12:00:00Z"), at("2024-05-01T16:00:00Z"),
                at("2024-05-02T08:00:00Z")),
                slotsIn(Schedule.parse("0 8-18/4 * * *", UTC), at("2024-05-01T00:00:00Z"), at("2024-05-02T09:00:00Z")));
        assertEquals(List.of(at("2024-05-15T00:00:00Z"), at("2024-06-01T00:00:00Z")),
                slotsIn(Schedule.parse("0 0 1,15 * *", UTC), at("2024-05-02T00:00:00Z"), at("2024-06-02T00:00:00Z")));
        // Unix cron: with both day fields restricted, a day matching either fires (Fridays and the 13th)
        assertEquals(List.of(at("2024-09-06T00:00:00Z"), at("2024-09-13T00:00:00Z"), at("2024-09-20T00:00:00Z"),
                at("2024-09-27T00:00:00Z"), at("2024-10-04T00:00:00Z"), at("2024-10-11T00:00:00Z"),
                at("2024-10-13T00:00:00Z")),
                slotsIn(Schedule.parse("0 0 13 * 5", UTC), at("2024-09-01T00:00:00Z"), at("2024-10-14T00:00:00Z")));
        Schedule named = Schedule.parse("0  2 * *  MON-FRI", UTC);
        assertEquals("0 2 * * mon-fri", named.spec());
        assertEquals(slotsIn(Schedule.parse("0 2 * * 1-5", UTC), at("2024-05-01T00:00:00Z"), at("2024-06-01T00:00:00Z")),
                slotsIn(named, at("2024-05-01T00:00:00Z"), at("2024-06-01T00:00:00Z")));
    }

    @Test
    void theZoneMovesADailyTime() {
        Instant from = at("2024-04-30T12:00:00Z");
        Instant utc = Schedule.parse("daily at 02:00", UTC).next(from);
        Instant tokyo = Schedule.parse("daily at 02:00", TOKYO).next(from);
        assertEquals(at("2024-05-01T02:00:00Z"), utc);
        assertEquals(at("2024-04-30T17:00:00Z"), tokyo, "02:00 on 1 May in Tokyo");
        assertEquals(Duration.ofHours(9), Duration.between(tokyo, utc));
    }

    @Test
    void dueIsTheLatestSlotSinceTheLastHandledOne() {
        Schedule s = Schedule.parse("every 15m", UTC);
        Instant handled = at("2024-05-01T10:15:00Z");
        assertEquals(new Due(Optional.empty(), 0), s.due(handled, handled));
        assertEquals(new Due(Optional.empty(), 0), s.due(handled, at("2024-05-01T10:29:59Z")), "nothing due");
        assertEquals(new Due(Optional.of(at("2024-05-01T10:30:00Z")), 0), s.due(handled, at("2024-05-01T10:30:00Z")));
        assertEquals(new Due(Optional.of(at("2024-05-01T10:30:00Z")), 0), s.due(handled, at("2024-05-01T10:44:00Z")));
        assertEquals(new Due(Optional.of(at("2024-05-01T10:30:00Z")), 0),
                s.due(at("2024-05-01T10:20:00Z"), at("2024-05-01T10:31:00Z")), "handled between slots");
        assertEquals(new Due(Optional.of(at("2024-05-01T10:45:00Z")), 1), s.due(handled, at("2024-05-01T10:50:00Z")));
        assertEquals(new Due(Optional.empty(), 0), s.due(at("2024-05-01T11:00:00Z"), at("2024-05-01T10:50:00Z")),
                "last handled in the future (the clock went back): nothing due");

        Schedule daily = Schedule.parse("daily at 02:00", BERLIN);
        assertEquals(new Due(Optional.of(at("2024-05-04T00:00:00Z")), 2),
                daily.due(at("2024-05-01T00:00:00Z"), at("2024-05-04T12:00:00Z")));
    }

    @Test
    void tenDaysDownGiveOneCatchUpRun() {
        Instant handled = at("2024-05-01T10:15:00Z");
        Instant now = at("2024-05-11T10:22:00Z");
        Due expected = new Due(Optional.of(at("2024-05-11T10:15:00Z")), 959); // 960 slots, one run
        assertEquals(expected, Schedule.parse("every 15m", UTC).due(handled, now));
        assertEquals(expected, Schedule.parse("*/15 * * * *", UTC).due(handled, now));

        Due fiveSeconds = Schedule.parse("every 5s", UTC).due(handled, now);
        assertEquals(new Due(Optional.of(at("2024-05-11T10:22:00Z")), 10 * 24 * 720 + 7 * 12 - 1), fiveSeconds,
                "counted exactly, by division");

        Due minutes = Schedule.parse("* * * * *", UTC).due(handled, now);
        assertEquals(new Due(Optional.of(now), Schedule.MISSED_COUNT_LIMIT), minutes,
                "14,406 slots missed: a calendar rule counts up to the limit");
    }

    @Test
    void periodIsTheLongestGapAhead() {
        assertEquals(Duration.ofMinutes(15), Schedule.parse("every 15m", UTC).period(at("2024-05-01T10:07:00Z")));
        assertEquals(Duration.ofDays(1), Schedule.parse("daily at 02:00", UTC).period(at("2024-05-01T10:07:00Z")));
        assertEquals(Duration.ofHours(25), Schedule.parse("daily at 02:30", BERLIN).period(at("2024-10-24T00:00:00Z")),
                "the day the clocks go back is 25 hours long");
        assertEquals(Duration.ofDays(1), Schedule.parse("daily at 02:30", BERLIN).period(at("2024-03-28T00:00:00Z")),
                "the spring days are shorter, the days around them are not");
        Schedule weekdays = Schedule.parse("0 2 * * 1-5", UTC);
        assertEquals(Duration.ofDays(3), weekdays.period(at("2024-05-07T00:00:00Z")), "from a Tuesday: over the weekend");
        assertEquals(Duration.ofDays(3), weekdays.period(at("2024-05-03T03:00:00Z")), "from a Friday: over the weekend");
    }

    @Test
    void specsAreNormalized() {
        assertEquals("every 15m", Schedule.parse("  Every   15M ", UTC).spec());
        assertEquals("every 15m", Schedule.parse("every 015 m", UTC).toString());
        assertEquals("hourly", Schedule.parse("HOURLY", UTC).spec());
        assertEquals("daily at 02:30", Schedule.parse("DAILY  AT 2:30", UTC).spec());
        assertEquals("weekly on mon at 02:00", Schedule.parse("Weekly on Monday at 2:00", UTC).spec());
        assertEquals("monthly on 5 at 23:59", Schedule.parse("monthly on 05 at 23:59", UTC).spec());
        assertEquals("*/15 * * * *", Schedule.parse("\t*/15 *  * * * ", UTC).spec());
        Schedule s = Schedule.parse("daily at 02:30", BERLIN);
        assertEquals(BERLIN, s.zone());
        assertEquals(Schedule.parse("Daily at 2:30", BERLIN), s);
        assertTrue(!s.equals(Schedule.parse("daily at 02:30", NEW_YORK)));
    }

    @Test
    void badSpecsAreRefusedNamingSpecAndWhatIsAccepted() {
        refused("every 0m", "'every 0m'", "at least 1 second");
        refused("every 5x", "'every 5x'", "unknown unit 'x'", "s, m, h or d");
        refused("every 15", "'every 15'", "no unit");
        refused("every 367d", "'every 367d'", "at most 366 days");
        refused("every 99999999999999s", "at most 366 days");
        refused("every m", "'every m'", "every N");
        refused("daily at 25:00", "'daily at 25:00'", "00:00 to 23:59");
        refused("daily at 12:60", "00:00 to 23:59");
        refused("daily 02:00", "'daily at HH:MM'");
        refused("weekly on fun at 02:00", "'fun'", "mon, tue");
        refused("monthly on 31 at 01:00", "'monthly on 31 at 01:00'", "1 to 28");
        refused("monthly on 0 at 01:00", "1 to 28");
        refused("0 0 * * * *", "'0 0 * * * *'", "5 fields", "this has 6", "every 15m");
        refused("0 0 * *", "5 fields", "this has 4");
        refused("61 * * * *", "'61 * * * *'", "not a valid cron expression", "59");
        refused("| 3 * * Z*", "'| 3 * * Z*'", "not a valid cron expression"); // cron-utils threw an index error
        refused("0 0 31 2 *", "never fires");
        refused("hourly at 30", "nothing after it", "30 * * * *");
        refused("yearly", "'yearly'", "not understood", "daily at HH:MM", "5-field cron");
        refused("", "empty", "every 15m");
        refused("   ", "empty");
        refused(null, "empty");
    }

    private static void refused(String spec, String... expectedInMessage) {
        FatalException e = assertThrows(FatalException.class, () -> Schedule.parse(spec, UTC), String.valueOf(spec));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        for (String expected : expectedInMessage) {
            assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
        }
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    /** The slots in (from, to). */
    private static List<Instant> slotsIn(Schedule s, Instant from, Instant to) {
        List<Instant> slots = new ArrayList<>();
        for (Instant t = s.next(from); t.isBefore(to); t = s.next(t)) {
            slots.add(t);
        }
        return slots;
    }

    private static List<Instant> slotsOnLocalDay(Schedule s, LocalDate day) {
        Instant start = day.atStartOfDay(s.zone()).toInstant();
        return slotsIn(s, start.minusNanos(1), day.plusDays(1).atStartOfDay(s.zone()).toInstant());
    }

    private static List<Duration> distinctGaps(List<Instant> slots) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < slots.size(); i++) {
            Duration gap = Duration.between(slots.get(i - 1), slots.get(i));
            if (!gaps.contains(gap)) {
                gaps.add(gap);
            }
        }
        return gaps;
    }
}
