package io.streamvault.plans;

import java.util.Locale;

/**
 * One run of a plan as its history shows it (docs/plans.md, Runs).
 *
 * @param id {@code plan/slot-ms/attempt}: derived from the plan and the slot, so a slot has one run
 * @param slotMs the slot it runs for (ms since the epoch)
 * @param trigger schedule, catch-up, manual, retry, queued or change
 * @param startMs when it started (0: not started)
 * @param endMs when it ended (0: not ended)
 * @param missed slots passed over in favour of this one (a catch-up run)
 */
public record PlanRun(String plan, String id, long slotMs, int attempt, State state, String trigger, long startMs, long endMs,
        String job, String snapshot, String agent, long files, long bytesRead, long bytesAdded, long missed, String error,
        String note) {

    /** Where a run is. */
    public enum State {
        SCHEDULED, RUNNING, SUCCEEDED, FAILED, SKIPPED;

        public boolean ended() {
            return this == SUCCEEDED || this == FAILED || this == SKIPPED;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** This run with another note. */
    public PlanRun withNote(String n) {
        return new PlanRun(plan, id, slotMs, attempt, state, trigger, startMs, endMs, job, snapshot, agent, files, bytesRead,
                bytesAdded, missed, error, n);
    }

    /** The id of the run of {@code plan} for {@code slotMs}, attempt {@code attempt}. */
    public static String id(String plan, long slotMs, int attempt) {
        return plan + "/" + slotMs + "/" + attempt;
    }
}
