package io.streamvault.plans;

import io.streamvault.common.FatalException;
import io.streamvault.common.fs.Glob;
import io.streamvault.vault.Retentions;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code plan create} and {@code plan edit} (and their HTTP forms) change: every field null
 * means "as it was" (for create: the default). The one place where a plan's fields are read from
 * text and checked, so the command line and the API refuse the same things with the same words.
 *
 * @param keep retention options to set ({@link Plan#KEEP_OPTIONS} names); a value "" removes one
 * @param clearSchedule remove the schedule (a plan run only when asked or on changes)
 * @param copyTo a copy target to catch up after each successful run; "" removes it
 */
public record PlanEdit(String path, String schedule, boolean clearSchedule, String zone, Map<String, String> keep,
        String retain, List<String> tags, List<String> excludes, String host, String overlap, Boolean continuous,
        String rpo, String fullWalkEvery, Boolean gc, String copyTo) {

    /** An edit that leaves the copy target as it is. */
    public PlanEdit(String path, String schedule, boolean clearSchedule, String zone, Map<String, String> keep,
            String retain, List<String> tags, List<String> excludes, String host, String overlap, Boolean continuous,
            String rpo, String fullWalkEvery, Boolean gc) {
        this(path, schedule, clearSchedule, zone, keep, retain, tags, excludes, host, overlap, continuous, rpo,
                fullWalkEvery, gc, null);
    }

    /** A new plan named {@code name} from this edit; INVALID_ARGUMENT naming what is wrong. */
    public Plan create(String name, long nowNs) {
        Plan base = new Plan(Plan.requireName(name), "", null, ZoneId.of("UTC"), Map.of(), 0, List.of(), List.of(), null,
                Plan.Overlap.SKIP, false, false, Plan.DEFAULT_RPO, Plan.DEFAULT_FULL_WALK, false, nowNs, nowNs);
        return applyTo(base);
    }

    /** {@code base} with this edit applied, checked. */
    public Plan applyTo(Plan base) {
        ZoneId z = base.zone();
        if (zone != null) {
            try {
                z = ZoneId.of(zone.strip());
            } catch (DateTimeException e) {
                throw Plan.invalid("--tz: unknown time zone '" + zone + "' (e.g. UTC, Europe/Berlin)");
            }
        }
        Map<String, String> k = new HashMap<>(base.keep());
        if (keep != null) {
            keep.forEach((option, value) -> {
                if (!Plan.KEEP_OPTIONS.contains(option)) {
                    throw Plan.invalid("unknown retention option '" + option + "'; plans take " + Plan.KEEP_OPTIONS);
                }
                if (value == null || value.isEmpty()) {
                    k.remove(option);
                } else {
                    k.put(option, value.strip());
                }
            });
        }
        String p = path != null ? path.strip() : base.path();
        if (path != null && !p.isEmpty()) {
            p = Path.of(p).toAbsolutePath().normalize().toString();
        }
        String sched = clearSchedule ? null : schedule != null ? Schedule.parse(schedule, z).spec() : base.schedule();
        Plan out = new Plan(base.name(), p, sched, z, k,
                retain != null ? Retentions.parse(retain, "--retain").toSeconds() : base.retainSeconds(),
                tags != null ? tags : base.tags(), excludes != null ? excludes : base.excludes(),
                host != null ? (host.isBlank() ? null : host.strip()) : base.host(),
                overlap != null ? Plan.Overlap.of(overlap.strip()) : base.overlap(), base.paused(),
                continuous != null ? continuous : base.continuous(), rpo != null ? duration(rpo, "--rpo") : base.rpo(),
                fullWalkEvery != null ? duration(fullWalkEvery, "--full-walk-every") : base.fullWalkEvery(),
                gc != null ? gc : base.gc(), copyTo == null ? base.copyTo() : copyTo.isBlank() ? null : copyTo.strip(),
                base.activeSinceNs(), base.updatedNs());
        for (String t : out.tags()) {
            if (t.isBlank() || t.startsWith("plan:")) {
                throw Plan.invalid("--tag '" + t + "': tags are not blank and do not start with plan: (the plan adds its own)");
            }
        }
        for (String g : out.excludes()) {
            try {
                Glob.compile(g);
            } catch (FatalException e) {
                throw Plan.invalid("--exclude: " + e.getMessage());
            }
        }
        return out.validated();
    }

    private static Duration duration(String text, String option) {
        return Retentions.parse(text, option);
    }

    /** The options of a list, keeping their order, never null. */
    public static List<String> list(List<String> l) {
        return l == null ? null : new ArrayList<>(l);
    }
}
