package io.streamvault.plans;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * When a backup plan runs: a set of instants, its slots, and the arithmetic the scheduler needs
 * (docs/plans.md, "Schedules"). Pure: no method reads the clock, every instant is passed in.
 *
 * <p>Two kinds of schedule:
 *
 * <ul>
 *   <li>{@code every N<unit>} (unit s, m, h or d): the multiples of N units since the Unix epoch.
 *       They ignore the zone and daylight saving, so consecutive slots are always exactly N apart.
 *   <li>calendar rules, read on the wall clock of the zone: a 5-field Unix cron expression,
 *       {@code hourly}, {@code daily at HH:MM}, {@code weekly on DAY at HH:MM},
 *       {@code monthly on D at HH:MM}. A time that a spring-forward skips fires once, at the end of
 *       the gap; a time that a fall-back repeats fires once, at its first occurrence
 *       ({@link WallClockSlots}).
 * </ul>
 */
public final class Schedule {

    /**
     * How many slots {@link #due} counts past a calendar schedule's first missed one: a
     * {@link Due#missed()} of this value means "at least this many". Counting walks the slots one by
     * one (tens of microseconds each), so the limit keeps a call to about half a second at worst. An {@code every}
     * schedule counts by division, exactly and without limit.
     */
    public static final long MISSED_COUNT_LIMIT = 10_000;

    /** How many consecutive gaps {@link #period} looks at: enough to see a weekend or a 31-day month. */
    public static final int PERIOD_GAPS = 8;

    private static final Due NOTHING_DUE = new Due(Optional.empty(), 0);

    private final String spec;
    private final ZoneId zone;
    private final long everySeconds; // > 0 for every N<unit>, 0 for a calendar rule
    private final WallClockSlots wallClock; // null for every N<unit>

    private Schedule(String spec, ZoneId zone, long everySeconds, WallClockSlots wallClock) {
        this.spec = spec;
        this.zone = zone;
        this.everySeconds = everySeconds;
        this.wallClock = wallClock;
    }

    static Schedule every(String spec, ZoneId zone, long seconds) {
        return new Schedule(spec, zone, seconds, null);
    }

    static Schedule wallClock(String spec, ZoneId zone, WallClockSlots slots) {
        return new Schedule(spec, zone, 0, slots);
    }

    /**
     * Reads a schedule. Spaces and case do not matter; {@link #spec()} gives the canonical form.
     *
     * @param zone the zone whose wall clock calendar rules are read on (ignored by {@code every})
     * @throws FatalException {@link ErrorCode#INVALID_ARGUMENT} naming the spec and what is accepted
     */
    public static Schedule parse(String spec, ZoneId zone) {
        return ScheduleParser.parse(spec, Objects.requireNonNull(zone, "zone"));
    }

    /** The canonical spec: lower case, single spaces, times as HH:MM. */
    public String spec() {
        return spec;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first slot strictly after {@code after}. */
    public Instant next(Instant after) {
        if (everySeconds > 0) {
            return Instant.ofEpochSecond((Math.floorDiv(after.getEpochSecond(), everySeconds) + 1) * everySeconds);
        }
        return wallClock.next(after).orElseThrow(() -> new FatalException(ErrorCode.INVALID_ARGUMENT,
                "schedule '" + spec + "' has no slot after " + after));
    }

    /**
     * The last slot at or before {@code t}. Always present for {@code every}; for a calendar rule,
     * empty only if none is found (cron-utils searches back in bounded steps; a spec that never fires
     * is refused by {@link #parse}).
     */
    public Optional<Instant> latestAtOrBefore(Instant t) {
        if (everySeconds > 0) {
            return Optional.of(Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), everySeconds) * everySeconds));
        }
        return wallClock.latestAtOrBefore(t);
    }

    /**
     * The longest gap between consecutive slots among the next {@link #PERIOD_GAPS} gaps after
     * {@code from}: N for {@code every N<unit>}, a day (23 or 25 hours across a clock change) for a
     * daily rule, 3 days for a weekday cron, 31 days for a monthly rule. Alerts use it ("no
     * successful run within twice the period").
     */
    public Duration period(Instant from) {
        if (everySeconds > 0) {
            return Duration.ofSeconds(everySeconds);
        }
        Instant slot = next(from);
        Duration longest = Duration.ZERO;
        for (int i = 0; i < PERIOD_GAPS; i++) {
            Instant following = next(slot);
            Duration gap = Duration.between(slot, following);
            if (gap.compareTo(longest) > 0) {
                longest = gap;
            }
            slot = following;
        }
        return longest;
    }

    /**
     * What to run at {@code now} when every slot up to {@code lastHandled} has been dealt with (run or
     * given up): the latest slot in ({@code lastHandled}, {@code now}], with the earlier slots of that
     * interval counted as missed, not run. So ten days down gives one catch-up run, not one per slot.
     * Nothing is due when the interval holds no slot, and also when {@code lastHandled} is after
     * {@code now} (the clock went back): the caller decides whether that deserves a warning.
     */
    public Due due(Instant lastHandled, Instant now) {
        if (!now.isAfter(lastHandled)) {
            return NOTHING_DUE;
        }
        Optional<Instant> latest = latestAtOrBefore(now);
        if (latest.isEmpty() || !latest.get().isAfter(lastHandled)) {
            return NOTHING_DUE;
        }
        Instant slot = latest.get();
        if (everySeconds > 0) {
            long count = Math.floorDiv(slot.getEpochSecond(), everySeconds)
                    - Math.floorDiv(lastHandled.getEpochSecond(), everySeconds);
            return new Due(latest, count - 1);
        }
        long missed = 0;
        for (Instant s = next(lastHandled); s.isBefore(slot) && missed < MISSED_COUNT_LIMIT; s = next(s)) {
            missed++;
        }
        return new Due(latest, missed);
    }

    /**
     * The answer of {@link #due}.
     *
     * @param slot the slot to run now, empty if nothing is due
     * @param missed how many earlier slots since the last handled one are passed over in favour of
     *     {@code slot} (0 when exactly one is due); for a calendar rule at most
     *     {@link #MISSED_COUNT_LIMIT}, which then means "at least"
     */
    public record Due(Optional<Instant> slot, long missed) {
        public Due {
            Objects.requireNonNull(slot, "slot");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule other && spec.equals(other.spec) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, zone);
    }

    /** The canonical spec, as {@link #spec()}. */
    @Override
    public String toString() {
        return spec;
    }
}
