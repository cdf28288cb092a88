package io.streamvault.restore;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Times given by users: RFC 3339 ({@code 2024-05-01T12:00:00Z}, any offset) or a UTC date ({@code 2024-05-01}). */
public final class Times {
    private Times() {
    }

    /** Nanoseconds since the epoch; INVALID_ARGUMENT naming {@code what} if malformed. */
    public static long parseNs(String s, String what) {
        try {
            Instant i;
            if (s.length() == 10) {
                i = LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else {
                i = OffsetDateTime.parse(s).toInstant();
            }
            if (i.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L) {
                return Long.MAX_VALUE; // past 2262: later than any time a snapshot can hold
            }
            if (i.getEpochSecond() <= Long.MIN_VALUE / 1_000_000_000L) {
                return Long.MIN_VALUE;
            }
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, what + " \"" + s
                    + "\" is not an RFC 3339 time (2024-05-01T12:00:00Z) or a date (2024-05-01)");
        }
    }

    /** RFC 3339 in UTC with the nanoseconds. */
    public static String format(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)).toString();
    }
}
