package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The settings of a garbage collection as users write them, read the same way by the command line
 * ({@code --max-unused}, {@code --fence-after}) and the HTTP API ({@code max_unused},
 * {@code fence_after}); each names its own option in errors.
 */
public final class GcSettings {
    private GcSettings() {
    }

    /**
     * The share of a pack that may be unused before it is repacked: {@code 5%}, or a plain number (a
     * number above 1 is a percentage, {@code 5} is 5%; one from 0 to 1 a fraction, {@code 0.05}).
     *
     * @throws FatalException {@link ErrorCode#INVALID_ARGUMENT} naming {@code option} when it is not a
     *     share from 0% to 100%
     */
    public static double maxUnused(String option, String text) {
        String t = text == null ? "" : text.strip();
        boolean pct = t.endsWith("%");
        try {
            double v = Double.parseDouble(pct ? t.substring(0, t.length() - 1) : t);
            v = pct || v > 1 ? v / 100 : v;
            if (!(v >= 0 && v <= 1)) {
                throw new NumberFormatException(); // NaN too
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, option + ": '" + text + "' is not a share from 0% to 100%");
        }
    }

    /**
     * How long a backup that started before the collection may run before it is fenced: a duration
     * such as {@code 6h} or {@code 2d} ({@link KeepDuration}'s units y, m, d, h), measured back from
     * now in UTC.
     *
     * @throws FatalException {@link ErrorCode#INVALID_ARGUMENT} naming {@code option} for a bad duration
     */
    public static Duration fenceAfter(String option, String text) {
        KeepDuration d = KeepDuration.parse(option, text);
        Instant now = Instant.now();
        return Duration.between(d.before(now, ZoneOffset.UTC), now);
    }
}
