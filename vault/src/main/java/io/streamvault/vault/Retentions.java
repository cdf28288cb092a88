package io.streamvault.vault;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations of the backup lock's options ({@code --retain 90d}, {@code --min-retention 30d},
 * {@code --changeable-for 72h}): a whole number and one unit, {@code s}, {@code min}, {@code h},
 * {@code d} (24 h), {@code w} (7 d) or {@code y} (365 d), or an ISO-8601 duration ({@code PT36H}).
 * Fixed lengths, not calendar ones: a retention is a span of time, not a date in a zone.
 */
public final class Retentions {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(s|min|h|d|w|y)");

    private Retentions() {
    }

    /** Parses {@code text}; INVALID_ARGUMENT naming {@code what} otherwise. */
    public static Duration parse(String text, String what) {
        String t = text == null ? "" : text.strip();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return bounded(text, what, switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
        }
        try {
            Duration d = Duration.parse(t);
            if (!d.isNegative()) {
                return bounded(text, what, d);
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw new FatalException(ErrorCode.INVALID_ARGUMENT, what + " \"" + text + "\" is not a duration: give a whole"
                + " number and a unit (s, min, h, d, w, y; e.g. 30d, 72h, 10y) or an ISO-8601 duration (PT36H)");
    }

    /** The longest retention accepted: 1,000 years. */
    public static final Duration MAX = Duration.ofDays(365_000);

    private static Duration bounded(String text, String what, Duration d) {
        if (d.compareTo(MAX) > 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, what + " \"" + text + "\" is longer than 1000y");
        }
        return d;
    }

    /** The shortest text {@link #parse} reads back: {@code 30d}, {@code 72h}, {@code 30min}, {@code 90s}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s % 86400 == 0 && s > 0) {
            long days = s / 86400;
            return days % 365 == 0 ? days / 365 + "y" : days % 7 == 0 ? days / 7 + "w" : days + "d";
        }
        return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "min" : s + "s";
    }
}
