package io.streamvault.launcher.cli;

import io.streamvault.plans.PlanEdit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of {@code plan create} and {@code plan edit}: what the plan backs up, when, and how long it keeps it. */
public final class PlanOptions {
    @Option(names = "--path", paramLabel = "DIR", description = "The directory to back up.")
    String path;
    @Option(names = "--schedule", paramLabel = "SPEC", description = "When: a cron expression (\"0 2 * * *\"),"
            + " \"every 15m\", \"hourly\", \"daily at 02:00\", \"weekly on mon at 02:00\", \"monthly on 1 at 02:00\".")
    String schedule;
    @Option(names = "--no-schedule", description = "Edit: remove the schedule (runs only when asked, or on changes).")
    boolean noSchedule;
    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of the schedule and the retention (default UTC).")
    String zone;
    @Option(names = "--keep-last", paramLabel = "N", description = "Retention after each run: keep the N newest snapshots.")
    String keepLast;
    @Option(names = "--keep-hourly", paramLabel = "N", description = "... the newest of each of the last N hours.")
    String keepHourly;
    @Option(names = "--keep-daily", paramLabel = "N", description = "... of the last N days.")
    String keepDaily;
    @Option(names = "--keep-weekly", paramLabel = "N", description = "... of the last N ISO weeks.")
    String keepWeekly;
    @Option(names = "--keep-monthly", paramLabel = "N", description = "... of the last N months.")
    String keepMonthly;
    @Option(names = "--keep-yearly", paramLabel = "N", description = "... of the last N years.")
    String keepYearly;
    @Option(names = "--keep-within", paramLabel = "DURATION", description = "... every snapshot within DURATION of the newest.")
    String keepWithin;
    @Option(names = "--retain", paramLabel = "DURATION", description = "Keep each snapshot at least this long (the backup lock).")
    String retain;
    @Option(names = "--tag", paramLabel = "TAG", description = "Tag every snapshot (repeatable; the plan adds plan:NAME).")
    List<String> tags;
    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out entries matching GLOB (repeatable).")
    List<String> excludes;
    @Option(names = "--host", paramLabel = "NAME", description = "Host name to record (default: the agent's).")
    String host;
    @Option(names = "--overlap", paramLabel = "skip|queue", description = "A slot that comes while the previous run"
            + " still runs is skipped (default) or queued (at most one).")
    String overlap;
    @Option(names = "--continuous", negatable = true, description = "Back up on file system changes, within --rpo.")
    Boolean continuous;
    @Option(names = "--rpo", paramLabel = "DURATION", description = "Continuous mode's recovery point objective (default 60s).")
    String rpo;
    @Option(names = "--full-walk-every", paramLabel = "DURATION", description = "Continuous mode: walk everything at least"
            + " this often (default 24h), whatever the change feed says.")
    String fullWalkEvery;
    @Option(names = "--gc", description = "A maintenance plan: garbage collection on the schedule (no --path).")
    Boolean gc;
    @Option(names = "--copy-to", paramLabel = "URI", description = "After each successful run, bring a copy of the vault"
            + " at URI up to date (credentials: STREAMVAULT_COPY_AZURE_* of the agents; \"\" removes it).")
    String copyTo;

    PlanEdit edit() {
        Map<String, String> keep = new LinkedHashMap<>();
        String[] values = {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin};
        String[] names = {"keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly", "keep-within"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                keep.put(names[i], values[i]);
            }
        }
        return new PlanEdit(path, schedule, noSchedule, zone, keep, retain, tags, excludes, host, overlap, continuous, rpo,
                fullWalkEvery, gc, copyTo);
    }
}
