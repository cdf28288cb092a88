package io.streamvault.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanEdit;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanRun.State;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scheduler's decisions under a test clock: each slot once, catch-up, overlap, requests, retries, changes. */
class PlanBookTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private static Plan plan(String schedule, String overlap, boolean continuous) {
        long since = T0.toEpochMilli() * 1_000_000L;
        return new PlanEdit("/data", schedule, false, null, Map.of(), null, null, null, null, overlap, continuous, null, null,
                null).create("p", since);
    }

    private static PlanBook.Start start(List<PlanBook.Action> actions) {
        assertEquals(1, actions.size(), actions.toString());
        return assertInstanceOf(PlanBook.Start.class, actions.get(0));
    }

    private static PlanRun ended(PlanRun r, State s, Instant at) {
        return new PlanRun(r.plan(), r.id(), r.slotMs(), r.attempt(), s, r.trigger(), r.startMs(), at.toEpochMilli(), "job",
                null, r.agent(), 0, 0, 0, r.missed(), s == State.FAILED ? "boom" : null, r.note());
    }

    @Test
    void eachSlotRunsOnceAndNothingRunsBetweenSlots() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("every 15m", null, false);
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(60), "a"), "the slot at creation is not run");
        PlanRun first = start(book.decide(p, T0.plusSeconds(15 * 60 + 3), "a")).run();
        assertEquals(T0.plusSeconds(15 * 60).toEpochMilli(), first.slotMs());
        assertEquals("p/" + first.slotMs() + "/1", first.id(), "the run's id is the plan and the slot");
        assertEquals("schedule", first.trigger());
        book.apply(first);
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(15 * 60 + 4), "a"), "running: nothing more");
        book.apply(ended(first, State.SUCCEEDED, T0.plusSeconds(15 * 60 + 40)));
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(29 * 60), "a"), "the slot is done; the next is not due");
        PlanRun second = start(book.decide(p, T0.plusSeconds(30 * 60), "a")).run();
        assertEquals(T0.plusSeconds(30 * 60).toEpochMilli(), second.slotMs());
    }

    @Test
    void aRebuiltBookDoesNotRunAClaimedSlotAgain() {
        Plan p = plan("every 15m", null, false);
        PlanBook a = new PlanBook(SETTLE);
        PlanRun claimed = start(a.decide(p, T0.plusSeconds(15 * 60 + 1), "a")).run();
        PlanBook b = new PlanBook(SETTLE); // another agent, after reading plan-runs
        b.apply(claimed);
        assertEquals(List.of(), b.decide(p, T0.plusSeconds(15 * 60 + 30), "b"));
        b.apply(ended(claimed, State.SUCCEEDED, T0.plusSeconds(15 * 60 + 50)));
        assertEquals(List.of(), b.decide(p, T0.plusSeconds(16 * 60), "b"));
    }

    @Test
    void tenDaysDownGiveOneCatchUpRun() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("every 15m", null, false);
        PlanRun last = start(book.decide(p, T0.plusSeconds(15 * 60), "a")).run();
        book.apply(ended(last, State.SUCCEEDED, T0.plusSeconds(15 * 60 + 10)));
        Instant back = T0.plusSeconds(15 * 60).plus(Duration.ofDays(10)).plusSeconds(7 * 60);
        PlanRun catchUp = start(book.decide(p, back, "a")).run();
        assertEquals("catch-up", catchUp.trigger());
        assertEquals(959, catchUp.missed());
        assertEquals(T0.plusSeconds(15 * 60).plus(Duration.ofDays(10)).toEpochMilli(), catchUp.slotMs(), "the latest slot");
        book.apply(catchUp);
        book.apply(ended(catchUp, State.SUCCEEDED, back.plusSeconds(5)));
        assertEquals(List.of(), book.decide(p, back.plusSeconds(6), "a"), "one run, not one per missed slot");
    }

    @Test
    void aSlotThatComesWhileTheRunGoesIsSkipped() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("every 15m", "skip", false);
        PlanRun r = start(book.decide(p, T0.plusSeconds(15 * 60), "a")).run();
        book.apply(r);
        List<PlanBook.Action> next = book.decide(p, T0.plusSeconds(30 * 60), "a");
        PlanRun skipped = assertInstanceOf(PlanBook.Record.class, next.get(0)).run();
        assertEquals(State.SKIPPED, skipped.state());
        assertTrue(skipped.note().contains("still running"), skipped.note());
        book.apply(skipped);
        book.apply(ended(r, State.SUCCEEDED, T0.plusSeconds(31 * 60)));
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(32 * 60), "a"), "the skipped slot is not run late");
    }

    @Test
    void withQueueOneSlotWaitsAndRunsWhenThePreviousEnds() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("every 15m", "queue", false);
        PlanRun r = start(book.decide(p, T0.plusSeconds(15 * 60), "a")).run();
        book.apply(r);
        PlanRun queued = assertInstanceOf(PlanBook.Record.class, book.decide(p, T0.plusSeconds(30 * 60), "a").get(0)).run();
        assertEquals(State.SCHEDULED, queued.state());
        book.apply(queued);
        PlanRun third = assertInstanceOf(PlanBook.Record.class, book.decide(p, T0.plusSeconds(45 * 60), "a").get(0)).run();
        assertEquals(State.SKIPPED, third.state(), "at most one waits");
        book.apply(third);
        book.apply(ended(r, State.SUCCEEDED, T0.plusSeconds(46 * 60)));
        PlanRun late = start(book.decide(p, T0.plusSeconds(46 * 60), "a")).run();
        assertEquals(queued.id(), late.id());
        assertEquals(State.RUNNING, late.state());
    }

    @Test
    void aRequestRunsOnceEvenWhenPausedAndPausedPlansHaveNoSlots() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("every 15m", null, false).withPaused(true, T0.toEpochMilli() * 1_000_000L);
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(3600), "a"));
        book.request("p", "p/request/1", T0.plusSeconds(3600).toEpochMilli());
        PlanBook.Start s = start(book.decide(p, T0.plusSeconds(3601), "a"));
        assertEquals("manual", s.run().trigger());
        assertEquals("p/request/1", s.request());
        book.apply(s.run());
        book.handled("p", s.request());
        book.apply(ended(s.run(), State.SUCCEEDED, T0.plusSeconds(3602)));
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(3603), "a"));
    }

    @Test
    void aPausedPlanStartsNoRetryAndABookKeepsItsLatestRunsOnly() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("every 15m", null, false);
        PlanRun r = start(book.decide(p, T0.plusSeconds(15 * 60), "a")).run();
        book.apply(r);
        PlanRun failed = ended(r, State.FAILED, T0.plusSeconds(15 * 60 + 5));
        book.apply(failed);
        book.apply(PlanBook.retry(failed, Duration.ofSeconds(1), failed.endMs()));
        Plan paused = p.withPaused(true, T0.plusSeconds(16 * 60).toEpochMilli() * 1_000_000L);
        assertEquals(List.of(), book.decide(paused, T0.plusSeconds(17 * 60), "a"), "paused: the retry waits");
        assertEquals(2, start(book.decide(p, T0.plusSeconds(17 * 60), "a")).run().attempt(), "resumed: it runs");

        PlanBook many = new PlanBook(SETTLE);
        for (int i = 1; i <= 3 * PlanBook.KEPT_RUNS; i++) {
            Instant at = T0.plusSeconds(15L * 60 * i);
            PlanRun run = start(many.decide(p, at, "a")).run();
            many.apply(run);
            many.apply(new PlanRun(run.plan(), run.id(), run.slotMs(), 1, State.SUCCEEDED, run.trigger(), run.startMs(),
                    at.toEpochMilli() + 1000, "job", "snap-" + i, "a", 0, 0, 0, 0, null, null));
        }
        assertTrue(many.runs("p").size() <= 2 * PlanBook.KEPT_RUNS, "bounded: " + many.runs("p").size());
        assertEquals("snap-" + 3 * PlanBook.KEPT_RUNS, many.lastSnapshot("p"), "the latest success is remembered");
        assertEquals(List.of(), many.decide(p, T0.plusSeconds(15L * 60 * 3 * PlanBook.KEPT_RUNS + 60), "a"),
                "the last slot is still known after the old runs went");
    }

    @Test
    void aFailedRunIsTriedAgainAfterItsBackoff() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan("daily at 02:00", null, false);
        PlanRun r = start(book.decide(p, T0.plus(Duration.ofHours(2)), "a")).run();
        book.apply(r);
        PlanRun failed = ended(r, State.FAILED, T0.plus(Duration.ofHours(2)).plusSeconds(10));
        book.apply(failed);
        PlanRun retry = PlanBook.retry(failed, Duration.ofMinutes(1), failed.endMs());
        book.apply(retry);
        assertEquals(2, retry.attempt());
        assertEquals(List.of(), book.decide(p, T0.plus(Duration.ofHours(2)).plusSeconds(30), "a"), "not before its backoff");
        PlanRun second = start(book.decide(p, T0.plus(Duration.ofHours(2)).plusSeconds(71), "a")).run();
        assertEquals(retry.id(), second.id());
        assertEquals(r.slotMs(), second.slotMs());
    }

    @Test
    void aChangeRunsAfterItSettlesAndAFullWalkComesFromItsPeriod() {
        PlanBook book = new PlanBook(SETTLE);
        Plan p = plan(null, null, true);
        assertNull(p.schedule());
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(10), "a"));
        book.changed("p", T0.plusSeconds(10).toEpochMilli(), Set.of(Path.of("/data/a")));
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(11), "a"), "a burst settles first");
        book.changed("p", T0.plusSeconds(11).toEpochMilli(), Set.of(Path.of("/data/b")));
        PlanBook.Start st = start(book.decide(p, T0.plusSeconds(12), "a"));
        PlanRun r = st.run();
        assertEquals("change", r.trigger());
        assertEquals(Set.of(Path.of("/data/a"), Path.of("/data/b")), st.changedDirs(), "the burst's directories, together");
        book.apply(r);
        book.changed("p", T0.plusSeconds(13).toEpochMilli(), Set.of(Path.of("/data/c")));
        book.changed("p", T0.plusSeconds(13).toEpochMilli(), null); // events were lost
        book.apply(ended(r, State.SUCCEEDED, T0.plusSeconds(14)));
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(14), "a"), "still settling");
        PlanBook.Start again0 = start(book.decide(p, T0.plusSeconds(15), "a"));
        assertNull(again0.changedDirs(), "after lost events the run walks everything");
        PlanRun again = again0.run();
        assertEquals("change", again.trigger(), "a change during a run may have come after its walk passed: run again");
        book.apply(again);
        book.apply(ended(again, State.SUCCEEDED, T0.plusSeconds(16)));
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(60), "a"));
        book.changed("p", T0.plusSeconds(61).toEpochMilli(), Set.of(Path.of("/data/d")));
        PlanRun narrowed = start(book.decide(p, T0.plusSeconds(64), "a")).run();
        book.apply(narrowed);
        book.apply(ended(narrowed, State.FAILED, T0.plusSeconds(65)));
        PlanBook.Start afterFailure = start(book.decide(p, T0.plusSeconds(67), "a"));
        assertNull(afterFailure.changedDirs(), "after a failed run the parent is older: walk everything");
        book.apply(afterFailure.run());
        book.apply(ended(afterFailure.run(), State.SUCCEEDED, T0.plusSeconds(68)));
        book.apply(ended(narrowed, State.FAILED, T0.plusSeconds(65))); // read back again: nothing more to do
        assertEquals(List.of(), book.decide(p, T0.plusSeconds(90), "a"));
        PlanRun walk = start(book.decide(p, T0.plus(Duration.ofHours(24)).plusSeconds(1), "a")).run();
        assertEquals("schedule", walk.trigger(), "the daily full walk");
        assertNull(start(List.of(new PlanBook.Start("p", walk, null))).changedDirs());
    }
}
