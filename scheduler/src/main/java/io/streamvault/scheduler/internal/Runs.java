package io.streamvault.scheduler.internal;

import io.streamvault.plans.PlanRun;
import io.streamvault.schemas.records.PlanRunState;

/** Runs between their Avro form on {@code plan-runs} and the plans module's {@link PlanRun}. */
public final class Runs {
    private Runs() {
    }

    public static io.streamvault.schemas.records.PlanRun avro(PlanRun r, long nowMs) {
        return io.streamvault.schemas.records.PlanRun.newBuilder()
                .setPlan(r.plan())
                .setRun(r.id())
                .setSlotMs(r.slotMs())
                .setAttempt(r.attempt())
                .setState(PlanRunState.valueOf(r.state().name()))
                .setTrigger(r.trigger())
                .setTimeMs(nowMs)
                .setStartMs(r.startMs())
                .setEndMs(r.endMs())
                .setJob(r.job())
                .setSnapshot(r.snapshot())
                .setAgent(r.agent() == null ? "" : r.agent())
                .setFiles(r.files())
                .setBytesRead(r.bytesRead())
                .setBytesAdded(r.bytesAdded())
                .setMissed(r.missed())
                .setError(r.error())
                .setNote(r.note())
                .build();
    }

    /** The run, or null for a request (REQUESTED, HANDLED). */
    public static PlanRun of(io.streamvault.schemas.records.PlanRun a) {
        if (a.getState() == PlanRunState.REQUESTED || a.getState() == PlanRunState.HANDLED) {
            return null;
        }
        return new PlanRun(a.getPlan(), a.getRun(), a.getSlotMs(), a.getAttempt(), PlanRun.State.valueOf(a.getState().name()),
                a.getTrigger(), a.getStartMs(), a.getEndMs(), a.getJob(), a.getSnapshot(), a.getAgent(), a.getFiles(),
                a.getBytesRead(), a.getBytesAdded(), a.getMissed(), a.getError(), a.getNote());
    }

    /** A request of a command: run {@code plan} now ({@code trigger} manual) or reload the plans (changed). */
    public static io.streamvault.schemas.records.PlanRun request(String plan, String key, String trigger, long nowMs) {
        return io.streamvault.schemas.records.PlanRun.newBuilder()
                .setPlan(plan)
                .setRun(key)
                .setSlotMs(nowMs)
                .setState(PlanRunState.REQUESTED)
                .setTrigger(trigger)
                .setTimeMs(nowMs)
                .build();
    }

    public static io.streamvault.schemas.records.PlanRun handled(String plan, String key, long nowMs) {
        return io.streamvault.schemas.records.PlanRun.newBuilder()
                .setPlan(plan)
                .setRun(key)
                .setSlotMs(nowMs)
                .setState(PlanRunState.HANDLED)
                .setTrigger("manual")
                .setTimeMs(nowMs)
                .build();
    }
}
