package io.streamvault.plans;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A plan's health as {@code plan list}, the API and the metrics show it: its last run and last
 * success, its next slot, and the alert: no successful run within twice its period.
 *
 * @param next the next slot (null: no schedule, or paused)
 * @param overdue true when the plan has a schedule, is not paused, and has had no successful run
 *     within twice its period (counted from when it became active, so a new plan is not overdue)
 */
public record PlanStatus(PlanRun last, PlanRun lastSuccess, Instant next, Duration period, boolean overdue) {
    /** How many of a plan's latest runs a status is computed from (and the most a history shows at once). */
    public static final int RUNS = 1000;

    /** The status of {@code plan} from its runs (any order) at {@code now}. */
    public static PlanStatus of(Plan plan, List<PlanRun> runs, Instant now) {
        PlanRun last = null;
        PlanRun success = null;
        for (PlanRun r : runs) {
            if (r.state() == PlanRun.State.SKIPPED) {
                continue;
            }
            if (last == null || r.slotMs() > last.slotMs() || r.slotMs() == last.slotMs() && r.attempt() > last.attempt()) {
                last = r;
            }
            if (r.state() == PlanRun.State.SUCCEEDED && (success == null || r.endMs() > success.endMs())) {
                success = r;
            }
        }
        Schedule s = plan.parsedSchedule();
        if (s == null || plan.paused()) {
            return new PlanStatus(last, success, null, null, false);
        }
        Duration period = s.period(now);
        Instant since = Instant.ofEpochSecond(0, plan.activeSinceNs());
        Instant lastGood = success != null ? Instant.ofEpochMilli(success.endMs()) : since;
        if (lastGood.isBefore(since)) {
            lastGood = since;
        }
        boolean overdue = Duration.between(lastGood, now).compareTo(period.multipliedBy(2)) > 0;
        return new PlanStatus(last, success, s.next(now), period, overdue);
    }
}
