package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A calendar duration of a {@code keep-within*} rule: years, months, days and hours, written as in
 * restic, e.g. {@code 2y5m7d3h}, {@code 30d}, {@code 12h}. Each part is optional, but they come in the
 * order y, m, d, h, each at most once, with at least one part and not all of them zero. There is no
 * unit for weeks: write {@code 7d}.
 */
public record KeepDuration(int years, int months, int days, int hours) {

    /** Largest number a part may have, far more than any history needs and safe from overflow. */
    public static final int MAX_PART = 1_000_000;

    private static final String UNITS = "ymdh";

    public KeepDuration {
        for (int part : new int[] {years, months, days, hours}) {
            if (part < 0 || part > MAX_PART) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                        "a duration's parts must be within 0.." + MAX_PART + ": " + years + "y" + months + "m" + days
                                + "d" + hours + "h");
            }
        }
        if (years == 0 && months == 0 && days == 0 && hours == 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "a duration must be longer than zero");
        }
    }

    /**
     * Parses {@code text} as the value of {@code option} (named in the error).
     *
     * @throws FatalException {@link ErrorCode#INVALID_ARGUMENT} naming the option and the bad value
     */
    public static KeepDuration parse(String option, String text) {
        if (text == null || text.isEmpty()) {
            throw bad(option, text, "it is empty");
        }
        int[] parts = new int[4];
        int nextUnit = 0;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                throw bad(option, text, "expected a number at '" + text.substring(start) + "'");
            }
            if (i == text.length()) {
                throw bad(option, text, "the number " + text.substring(start) + " has no unit");
            }
            char unit = text.charAt(i);
            int u = UNITS.indexOf(unit);
            if (u < 0) {
                throw bad(option, text, "unknown unit '" + unit + "'" + (unit == 'w' ? " (for weeks write 7d)" : ""));
            }
            if (u < nextUnit) {
                throw bad(option, text, "the units must come in the order y, m, d, h, each at most once");
            }
            String digits = text.substring(start, i);
            if (digits.length() > 7 || Integer.parseInt(digits) > MAX_PART) {
                throw bad(option, text, digits + unit + " is too large (at most " + MAX_PART + ")");
            }
            parts[u] = Integer.parseInt(digits);
            nextUnit = u + 1;
            i++;
        }
        if (parts[0] == 0 && parts[1] == 0 && parts[2] == 0 && parts[3] == 0) {
            throw bad(option, text, "it must be longer than zero");
        }
        return new KeepDuration(parts[0], parts[1], parts[2], parts[3]);
    }

    /**
     * The start of the window that ends at {@code end}: {@code end}'s local date-time in {@code zone},
     * minus the years, months and days on the local calendar (a day that the shorter month lacks
     * becomes its last day: 31 March minus 1m is 28 or 29 February), placed back on the time-line (a
     * local time in a daylight-saving gap moves forward by the gap; one that a change repeats keeps
     * {@code end}'s offset where it can, else takes the earlier), then minus the hours on the time-line.
     */
    public Instant before(Instant end, ZoneId zone) {
        ZonedDateTime at = end.atZone(zone);
        LocalDateTime local = at.toLocalDateTime().minus(Period.of(years, months, days));
        return ZonedDateTime.ofLocal(local, zone, at.getOffset()).toInstant().minusSeconds(3600L * hours);
    }

    /** The canonical text, e.g. {@code 2y5m7d3h} or {@code 30d}: parts that are zero are left out. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int[] parts = {years, months, days, hours};
        for (int u = 0; u < parts.length; u++) {
            if (parts[u] != 0) {
                sb.append(parts[u]).append(UNITS.charAt(u));
            }
        }
        return sb.toString();
    }

    private static FatalException bad(String option, String text, String why) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, option + ": bad duration '" + text + "': " + why
                + "; expected e.g. 30d, 12h or 2y5m7d3h (units y, m, d, h)");
    }
}
