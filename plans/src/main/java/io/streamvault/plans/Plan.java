package io.streamvault.plans;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.RetentionPolicy;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A backup plan (docs/plans.md): what to back up, when, and how long to keep it. A plan with
 * {@link #gc} set is the vault's maintenance plan: it runs garbage collection on its schedule
 * instead of a backup.
 *
 * @param name unique in the vault: 1-64 of {@code a-z 0-9 . _ -}, starting with a letter or digit
 * @param path the absolute directory to back up (empty for a maintenance plan)
 * @param schedule the schedule spec ({@link Schedule}); null for a plan that runs only when asked or on changes
 * @param zone the time zone of the schedule and of the retention's days, weeks and months
 * @param keep the retention, as forget's options without their dashes ({@code keep-daily} → 7); empty: keep all
 * @param retainSeconds each snapshot's retention (backup --retain); 0: the vault lock's minimum
 * @param tags tags of every snapshot (the plan's own tag {@link #tag()} is added)
 * @param excludes exclude globs of the backup
 * @param host the host name recorded on the snapshots (null: the agent's)
 * @param overlap what a slot that comes while the previous run still runs does
 * @param paused no scheduled runs while set
 * @param continuous back up on file system changes, within {@code rpo}
 * @param rpo the recovery point objective of continuous mode
 * @param fullWalkEvery continuous mode's safety net: a scheduled full walk at least this often
 * @param gc a maintenance plan: garbage collection on the schedule
 * @param copyTo after each successful run, the vault is copied (caught up) to this target (docs/copies.md); null: none
 * @param activeSinceNs since when slots count (creation or the last resume): earlier ones are never caught up
 * @param updatedNs when this version was written
 */
public record Plan(String name, String path, String schedule, ZoneId zone, Map<String, String> keep, long retainSeconds,
        List<String> tags, List<String> excludes, String host, Overlap overlap, boolean paused, boolean continuous,
        Duration rpo, Duration fullWalkEvery, boolean gc, String copyTo, long activeSinceNs, long updatedNs) {
    private static final Pattern NAME = Capacity.PLAN_NAME;
    /** The retention options a plan may carry (forget's, without dashes). */
    public static final List<String> KEEP_OPTIONS = List.of("keep-last", "keep-hourly", "keep-daily", "keep-weekly",
            "keep-monthly", "keep-yearly", "keep-within", "keep-within-hourly", "keep-within-daily", "keep-within-weekly",
            "keep-within-monthly", "keep-within-yearly");
    public static final Duration DEFAULT_RPO = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FULL_WALK = Duration.ofHours(24);

    /** What a slot does when the plan's previous run is still going. */
    public enum Overlap {
        SKIP, QUEUE;

        public static Overlap of(String text) {
            for (Overlap o : values()) {
                if (o.name().equalsIgnoreCase(text)) {
                    return o;
                }
            }
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--overlap is skip or queue, not '" + text + "'");
        }
    }

    /** A plan that names no copy target. */
    public Plan(String name, String path, String schedule, ZoneId zone, Map<String, String> keep, long retainSeconds,
            List<String> tags, List<String> excludes, String host, Overlap overlap, boolean paused, boolean continuous,
            Duration rpo, Duration fullWalkEvery, boolean gc, long activeSinceNs, long updatedNs) {
        this(name, path, schedule, zone, keep, retainSeconds, tags, excludes, host, overlap, paused, continuous, rpo,
                fullWalkEvery, gc, null, activeSinceNs, updatedNs);
    }

    public Plan {
        keep = Map.copyOf(keep);
        tags = List.copyOf(tags);
        excludes = List.copyOf(excludes);
    }

    /** Checks the plan as a whole; INVALID_ARGUMENT naming what is wrong. */
    public Plan validated() {
        requireName(name);
        if (gc) {
            if (schedule == null) {
                throw invalid("a maintenance plan (--gc) needs a --schedule");
            }
            if (continuous || !path.isEmpty() || copyTo != null) {
                throw invalid("a maintenance plan (--gc) has no --path or --copy-to and is not --continuous");
            }
        } else if (path.isEmpty() || !path.startsWith("/")) {
            throw invalid("plan " + name + " needs --path with an absolute directory, not '" + path + "'");
        }
        if (schedule != null) {
            Schedule.parse(schedule, zone);
        }
        if (continuous && (rpo.isNegative() || rpo.compareTo(Duration.ofSeconds(5)) < 0)) {
            throw invalid("--rpo must be at least 5s");
        }
        if (retainSeconds < 0) {
            throw invalid("--retain must not be negative");
        }
        if (!keep.isEmpty()) {
            policy(); // every retention option parses
        }
        return this;
    }

    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("a plan name is 1-64 of a-z 0-9 . _ - starting with a letter or digit, not '" + name + "'");
        }
        return name;
    }

    /**
     * The tag every snapshot of this plan carries, and by which its retention finds them, and capacity
     * counts the plan's share ({@link Capacity#PLAN_TAG}).
     */
    public String tag() {
        return Capacity.PLAN_TAG + name;
    }

    /** The schedule, or null when the plan has none. */
    public Schedule parsedSchedule() {
        return schedule == null ? null : Schedule.parse(schedule, zone);
    }

    /** True when the plan forgets anything after a run. */
    public boolean hasRetention() {
        return !keep.isEmpty();
    }

    /** The retention as a forget policy, in the plan's zone. */
    public RetentionPolicy policy() {
        RetentionPolicy.Builder b = RetentionPolicy.builder();
        RetentionPolicy.Period[] periods = RetentionPolicy.Period.values();
        for (Map.Entry<String, String> e : keep.entrySet()) {
            String k = e.getKey();
            if (k.equals("keep-last")) {
                b.keepLast(e.getValue());
            } else if (k.equals("keep-within")) {
                b.keepWithin(e.getValue());
            } else {
                RetentionPolicy.Period p = null;
                boolean within = k.startsWith("keep-within-");
                String label = k.substring(within ? "keep-within-".length() : "keep-".length());
                for (RetentionPolicy.Period q : periods) {
                    if (q.label().equals(label)) {
                        p = q;
                    }
                }
                if (p == null) {
                    throw invalid("unknown retention option '" + k + "'; plans take " + KEEP_OPTIONS);
                }
                if (within) {
                    b.keepWithin(p, e.getValue());
                } else {
                    b.keep(p, e.getValue());
                }
            }
        }
        return b.zone(zone).build();
    }

    public Plan withPaused(boolean p, long nowNs) {
        return new Plan(name, path, schedule, zone, keep, retainSeconds, tags, excludes, host, overlap, p, continuous, rpo,
                fullWalkEvery, gc, copyTo, p || !paused ? activeSinceNs : nowNs, updatedNs);
    }

    public Plan withUpdatedNs(long ns) {
        return new Plan(name, path, schedule, zone, keep, retainSeconds, tags, excludes, host, overlap, paused, continuous,
                rpo, fullWalkEvery, gc, copyTo, activeSinceNs, ns);
    }

    /** The keep options in {@link #KEEP_OPTIONS} order, for display. */
    public Map<String, String> keepInOrder() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : KEEP_OPTIONS) {
            if (keep.containsKey(k)) {
                out.put(k, keep.get(k));
            }
        }
        return out;
    }

    static FatalException invalid(String message) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
