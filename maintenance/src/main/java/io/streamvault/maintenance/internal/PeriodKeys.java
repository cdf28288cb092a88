package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.RetentionPolicy.Period;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** The calendar bucket of an instant: two instants share a bucket exactly when their keys are equal. */
final class PeriodKeys {
    private PeriodKeys() {
    }

    /**
     * The key of {@code t}'s bucket in {@code zone}: for an hour, the local date and hour together with
     * the UTC offset (so the hour a daylight-saving change repeats is two buckets); for a day, the
     * local date; for a week, the local date of its Monday (ISO weeks, Monday to Sunday); for a month,
     * the local year and month; for a year, the local year.
     */
    static Object key(Period period, Instant t, ZoneId zone) {
        ZonedDateTime z = t.atZone(zone);
        return switch (period) {
            case HOURLY -> z.toLocalDateTime().truncatedTo(ChronoUnit.HOURS).atOffset(z.getOffset());
            case DAILY -> z.toLocalDate();
            case WEEKLY -> z.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> YearMonth.from(z);
            case YEARLY -> z.getYear();
        };
    }
}
