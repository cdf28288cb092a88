package io.streamvault.plans;

import com.cronutils.model.Cron;
import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/**
 * The slots of a cron expression read on the wall clock of a time zone.
 *
 * <p>cron-utils walks the wall-clock times the expression names (it is asked in UTC, where no
 * daylight saving applies, so it sees every local date and time exactly once); this class maps each
 * wall-clock time to an instant by one rule:
 *
 * <ul>
 *   <li>a time that exists once is that instant;
 *   <li>a time that a spring-forward skips is the first instant after the gap (the transition, e.g.
 *       03:00 in Berlin on the last Sunday of March), so {@code 30 2 * * *} fires once that day;
 *       several skipped times collapse into that one slot;
 *   <li>a time that a fall-back repeats is its first occurrence only, so {@code 30 2 * * *} fires
 *       once that day too, and {@code 0 * * * *} skips the repeated hour (24 slots that day).
 * </ul>
 *
 * <p>cron-utils left alone does neither: in a zone with daylight saving it skips the day of a
 * skipped time and fires twice on a repeated one. The mapping is monotonic (a later wall-clock time
 * never maps to an earlier instant), which is what lets {@link #next} and {@link #latestAtOrBefore}
 * search wall-clock times rather than instants.
 */
final class WallClockSlots {

    private final ExecutionTime times;
    private final ZoneId zone;

    WallClockSlots(Cron cron, ZoneId zone) {
        this.times = ExecutionTime.forCron(cron);
        this.zone = zone;
    }

    /** Whether the expression names any wall-clock time after {@code local} (false for 31 February). */
    boolean firesAfter(LocalDateTime local) {
        return localAfter(local).isPresent();
    }

    /** The first slot strictly after {@code after}; empty only if cron-utils finds none. */
    Optional<Instant> next(Instant after) {
        return localAfter(lastWallClockTimeAtOrBefore(after)).map(this::instant);
    }

    /** The last slot at or before {@code t}; empty only if cron-utils finds none. */
    Optional<Instant> latestAtOrBefore(Instant t) {
        LocalDateTime bound = lastWallClockTimeAtOrBefore(t).truncatedTo(ChronoUnit.MINUTES);
        Optional<LocalDateTime> local = times.isMatch(utc(bound)) ? Optional.of(bound)
                : times.lastExecution(utc(bound)).map(ZonedDateTime::toLocalDateTime);
        return local.map(this::instant);
    }

    /**
     * The wall-clock time B such that a wall-clock time maps to an instant at or before {@code t}
     * exactly when it is at or before B. Normally B is the wall clock at {@code t}; during the second
     * pass of a repeated hour, every time of that hour already mapped to its first pass, so B is the
     * end of the repeated hour (just before the wall clock shows the time the clocks went back from).
     */
    private LocalDateTime lastWallClockTimeAtOrBefore(Instant t) {
        ZoneOffset offset = zone.getRules().getOffset(t);
        LocalDateTime local = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), offset);
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isOverlap() && offset.equals(transition.getOffsetAfter())) {
            return transition.getDateTimeBefore().minusNanos(1);
        }
        return local;
    }

    /** Slots fall on whole minutes, so truncating {@code local} loses none after it. */
    private Optional<LocalDateTime> localAfter(LocalDateTime local) {
        return times.nextExecution(utc(local.truncatedTo(ChronoUnit.MINUTES))).map(ZonedDateTime::toLocalDateTime);
    }

    /** The instant of a wall-clock time, by the rule in the class comment. */
    private Instant instant(LocalDateTime local) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return local.atZone(zone).toInstant(); // in an overlap, atZone takes the earlier offset
    }

    private static ZonedDateTime utc(LocalDateTime local) {
        return local.atZone(ZoneOffset.UTC);
    }
}
