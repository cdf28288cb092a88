package io.streamvault.plans;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The spec grammar of {@link Schedule#parse}: each form, its canonical spelling and its errors. */
final class ScheduleParser {

    private static final String ACCEPTED = "a 5-field cron expression (minute hour day-of-month month day-of-week, e.g. "
            + "'*/15 * * * *'), 'every N' with unit s, m, h or d (e.g. 'every 15m'), 'hourly', 'daily at HH:MM', "
            + "'weekly on DAY at HH:MM' (DAY mon..sun) or 'monthly on D at HH:MM' (D 1..28)";

    private static final long MAX_EVERY_SECONDS = 366L * 24 * 3600;
    private static final Pattern EVERY = Pattern.compile("every (\\d+) ?([a-z]*)");
    private static final Pattern DAILY = Pattern.compile("daily at (\\S+)");
    private static final Pattern WEEKLY = Pattern.compile("weekly on (\\S+) at (\\S+)");
    private static final Pattern MONTHLY = Pattern.compile("monthly on (\\S+) at (\\S+)");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})");
    /** How a cron expression starts: its minute field is a number, a star or a list or range of them. */
    private static final Pattern CRON_START = Pattern.compile("[0-9*]");
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Any cron expression that fires at all fires within a few years of any date; this one is fixed. */
    private static final LocalDateTime FIRES_AFTER = LocalDateTime.of(2000, 1, 1, 0, 0);

    private ScheduleParser() {
    }

    static Schedule parse(String spec, ZoneId zone) {
        String text = spec == null ? "" : spec.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the schedule is empty; accepted: " + ACCEPTED);
        }
        return switch (text.split(" ", 2)[0]) {
            case "every" -> every(spec, text, zone);
            case "hourly" -> hourly(spec, text, zone);
            case "daily" -> daily(spec, text, zone);
            case "weekly" -> weekly(spec, text, zone);
            case "monthly" -> monthly(spec, text, zone);
            default -> cron(spec, text, zone);
        };
    }

    private static Schedule every(String spec, String text, ZoneId zone) {
        Matcher m = EVERY.matcher(text);
        if (!m.matches()) {
            throw bad(spec, "write 'every N' followed by a unit s, m, h or d, e.g. 'every 15m'");
        }
        long unitSeconds = switch (m.group(2)) {
            case "s" -> 1;
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            default -> throw bad(spec, (m.group(2).isEmpty() ? "the interval has no unit" : "unknown unit '"
                    + m.group(2) + "'") + "; the unit is s, m, h or d, e.g. 'every 15m'");
        };
        String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
        long n = digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (n < 1 || n > MAX_EVERY_SECONDS / unitSeconds) {
            throw bad(spec, "the interval must be at least 1 second and at most 366 days, e.g. 'every 15m'");
        }
        return Schedule.every("every " + n + m.group(2), zone, n * unitSeconds);
    }

    private static Schedule hourly(String spec, String text, ZoneId zone) {
        if (!text.equals("hourly")) {
            throw bad(spec, "'hourly' takes nothing after it; for another minute of the hour, write e.g. '30 * * * *'");
        }
        return calendar(spec, "hourly", "0 * * * *", zone);
    }

    private static Schedule daily(String spec, String text, ZoneId zone) {
        Matcher m = DAILY.matcher(text);
        if (!m.matches()) {
            throw bad(spec, "write 'daily at HH:MM', e.g. 'daily at 02:30'");
        }
        int[] time = time(spec, m.group(1));
        return calendar(spec, String.format("daily at %02d:%02d", time[0], time[1]),
                time[1] + " " + time[0] + " * * *", zone);
    }

    private static Schedule weekly(String spec, String text, ZoneId zone) {
        Matcher m = WEEKLY.matcher(text);
        if (!m.matches()) {
            throw bad(spec, "write 'weekly on DAY at HH:MM' with DAY mon..sun, e.g. 'weekly on mon at 02:00'");
        }
        DayOfWeek day = day(spec, m.group(1));
        int[] time = time(spec, m.group(2));
        String name = day.name().substring(0, 3).toLowerCase(Locale.ROOT);
        return calendar(spec, String.format("weekly on %s at %02d:%02d", name, time[0], time[1]),
                time[1] + " " + time[0] + " * * " + day.getValue() % 7, zone);
    }

    private static Schedule monthly(String spec, String text, ZoneId zone) {
        Matcher m = MONTHLY.matcher(text);
        if (!m.matches()) {
            throw bad(spec, "write 'monthly on D at HH:MM' with D 1..28, e.g. 'monthly on 1 at 03:00'");
        }
        int dayOfMonth = m.group(1).matches("\\d{1,2}") ? Integer.parseInt(m.group(1)) : 0;
        if (dayOfMonth < 1 || dayOfMonth > 28) {
            throw bad(spec, "the day of the month must be 1 to 28, which every month has (for the end of the "
                    + "month, use a cron expression), not '" + m.group(1) + "'");
        }
        int[] time = time(spec, m.group(2));
        return calendar(spec, String.format("monthly on %d at %02d:%02d", dayOfMonth, time[0], time[1]),
                time[1] + " " + time[0] + " " + dayOfMonth + " * *", zone);
    }

    private static Schedule cron(String spec, String text, ZoneId zone) {
        int fields = text.split(" ").length;
        if (fields != 5 && !CRON_START.matcher(text).lookingAt()) {
            throw bad(spec, "not understood; accepted: " + ACCEPTED);
        }
        if (fields != 5) {
            throw bad(spec, "a cron expression has 5 fields (minute hour day-of-month month day-of-week), this has "
                    + fields + "; accepted: " + ACCEPTED);
        }
        return calendar(spec, text, text, zone);
    }

    /** A calendar rule: {@code canonical} is its spec, {@code cron} the expression it stands for. */
    private static Schedule calendar(String spec, String canonical, String cron, ZoneId zone) {
        Cron parsed;
        try {
            parsed = CRON.parse(cron);
        } catch (RuntimeException e) {
            // cron-utils refuses most malformed expressions with IllegalArgumentException, but not all:
            // "| 3 * * Z*" made it throw ArrayIndexOutOfBoundsException (found by fuzzing the plans API)
            throw bad(spec, "not a valid cron expression (" + e.getMessage() + "); accepted: " + ACCEPTED);
        }
        WallClockSlots slots = new WallClockSlots(parsed, zone);
        if (!slots.firesAfter(FIRES_AFTER)) {
            throw bad(spec, "the cron expression never fires (no such date, e.g. 31 February)");
        }
        return Schedule.wallClock(canonical, zone, slots);
    }

    /** {@code HH:MM} on a 24-hour clock as {hour, minute}. */
    private static int[] time(String spec, String text) {
        Matcher m = TIME.matcher(text);
        boolean matches = m.matches();
        int hour = matches ? Integer.parseInt(m.group(1)) : -1;
        int minute = matches ? Integer.parseInt(m.group(2)) : -1;
        if (hour < 0 || hour > 23 || minute > 59) {
            throw bad(spec, "the time must be HH:MM on a 24-hour clock, 00:00 to 23:59, not '" + text + "'");
        }
        return new int[] {hour, minute};
    }

    /** mon..sun, or the day's full name. */
    private static DayOfWeek day(String spec, String text) {
        for (DayOfWeek day : DayOfWeek.values()) {
            String name = day.name().toLowerCase(Locale.ROOT);
            if (text.equals(name) || text.equals(name.substring(0, 3))) {
                return day;
            }
        }
        throw bad(spec, "the day must be one of mon, tue, wed, thu, fri, sat, sun, not '" + text + "'");
    }

    private static FatalException bad(String spec, String problem) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, "schedule '" + spec.trim() + "': " + problem);
    }
}
