package io.streamvault.scheduler.internal;

import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanRun.State;
import io.streamvault.plans.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the scheduler knows of the plans of the partitions it owns, rebuilt from {@code plan-runs}
 * (every record is applied, its own included), and what it decides to do at a given instant: a pure
 * function of the plans, the runs and the time, so that it is tested with a test clock
 * (PlanBookTest). See docs/plans.md, The scheduler.
 */
public final class PlanBook {
    /** One decision; the scheduler carries it out in a transaction of the plan's partition. */
    public sealed interface Action {
        String plan();
    }

    /**
     * Start the run (a new slot, or a scheduled retry, queued slot or request). {@code changedDirs}:
     * for a run on changes, the directories in which something changed (its walk may be narrowed
     * to them); null for a run that walks everything.
     */
    public record Start(String plan, PlanRun run, String request, Set<Path> changedDirs) implements Action {
        public Start(String plan, PlanRun run, String request) {
            this(plan, run, request, null);
        }
    }

    /** Write the run as it is (skipped, or scheduled for later). */
    public record Record(String plan, PlanRun run, String request) implements Action {
    }

    /** Ended runs kept per plan (older ones are on plan-runs; what is decided needs only the latest). */
    static final int KEPT_RUNS = 100;
    /** Above this many changed directories a continuous run walks everything (the set is not held). */
    public static final int MAX_CHANGED_DIRS = 20_000;
    private final Map<String, Book> books = new HashMap<>();
    private final Duration settle;

    /** {@code settle}: how long continuous mode waits after a change before a run, so a burst is one run. */
    public PlanBook(Duration settle) {
        this.settle = settle;
    }

    private static final class Book {
        final Map<String, PlanRun> runs = new TreeMap<>();
        final Map<String, Long> requests = new TreeMap<>();
        long lastSlotMs = Long.MIN_VALUE;
        long changedAtMs = Long.MIN_VALUE;
        PlanRun lastSuccess;
        /** The directories changed since then; null: everything (events lost, or nobody watched). */
        Set<Path> changedDirs = new HashSet<>();
    }

    private Book book(String plan) {
        return books.computeIfAbsent(plan, k -> new Book());
    }

    /** Applies a run's state; a later state of the same run replaces the earlier. */
    public void apply(PlanRun run) {
        Book b = book(run.plan());
        PlanRun old = b.runs.get(run.id());
        if (run.state() == State.FAILED && (old == null || old.state() != State.FAILED)) {
            // The next snapshot's parent is older than this run: the changes this run was to pick up
            // are no longer all in the set, so a continuous plan's next run walks everything.
            if (b.changedAtMs == Long.MIN_VALUE) {
                b.changedAtMs = run.endMs();
            }
            b.changedDirs = null;
        }
        if (old == null || rank(run.state()) >= rank(old.state())) {
            b.runs.put(run.id(), run);
        }
        if (run.state() == State.SUCCEEDED && run.snapshot() != null
                && (b.lastSuccess == null || run.slotMs() >= b.lastSuccess.slotMs())) {
            b.lastSuccess = run;
        }
        if (b.runs.size() > 2 * KEPT_RUNS) {
            // Run ids sort by slot (13-digit ms): the oldest ended runs go first.
            var it = b.runs.values().iterator();
            while (b.runs.size() > KEPT_RUNS && it.hasNext()) {
                if (it.next().state().ended()) {
                    it.remove();
                }
            }
        }
        if (!run.trigger().equals("manual") && !run.trigger().equals("change") && !run.trigger().equals("retry")) {
            b.lastSlotMs = Math.max(b.lastSlotMs, run.slotMs());
        }
    }

    private static int rank(State s) {
        return switch (s) {
            case SCHEDULED -> 0;
            case RUNNING -> 1;
            default -> 2;
        };
    }

    /** A request to run {@code plan} now (key {@code request}), asked at {@code atMs}. */
    public void request(String plan, String request, long atMs) {
        book(plan).requests.put(request, atMs);
    }

    /** A request that was handled (by this scheduler or an earlier owner). */
    public void handled(String plan, String request) {
        book(plan).requests.remove(request);
    }

    /**
     * The file system under a continuous plan changed at {@code atMs}, in {@code dirs} (null:
     * anywhere, as when events were lost or nobody watched).
     */
    public void changed(String plan, long atMs, Set<Path> dirs) {
        Book b = book(plan);
        if (b.changedAtMs == Long.MIN_VALUE) {
            b.changedAtMs = atMs;
            b.changedDirs = new HashSet<>();
        }
        if (dirs == null || b.changedDirs == null) {
            b.changedDirs = null;
        } else {
            b.changedDirs.addAll(dirs);
            if (b.changedDirs.size() > MAX_CHANGED_DIRS) {
                b.changedDirs = null;
            }
        }
    }

    /** The run of {@code plan} now running, or null. */
    public PlanRun running(String plan) {
        for (PlanRun r : book(plan).runs.values()) {
            if (r.state() == State.RUNNING) {
                return r;
            }
        }
        return null;
    }

    /** The snapshot of the plan's latest successful run, or null: the parent a narrowed walk must have. */
    public String lastSnapshot(String plan) {
        PlanRun r = book(plan).lastSuccess;
        return r == null ? null : r.snapshot();
    }

    /** Every run now running, of every plan. */
    public List<PlanRun> running() {
        List<PlanRun> out = new ArrayList<>();
        books.values().forEach(b -> b.runs.values().stream().filter(r -> r.state() == State.RUNNING).forEach(out::add));
        return out;
    }

    public Collection<PlanRun> runs(String plan) {
        return book(plan).runs.values();
    }

    /** The schedule a plan runs on: its own, or for a continuous plan without one, its full walk. */
    public static Schedule scheduleOf(Plan p) {
        if (p.schedule() != null) {
            return p.parsedSchedule();
        }
        return p.continuous() ? Schedule.parse("every " + p.fullWalkEvery().toSeconds() + "s", p.zone()) : null;
    }

    /** What to do for {@code plan} at {@code now}: at most one start, and the slots it passes over. */
    public List<Action> decide(Plan p, Instant now, String agent) {
        Book b = book(p.name());
        long nowMs = now.toEpochMilli();
        List<Action> out = new ArrayList<>();
        PlanRun running = running(p.name());
        Schedule s = p.paused() ? null : scheduleOf(p);
        Schedule.Due due = null;
        if (s != null) {
            long baseMs = Math.max(b.lastSlotMs, p.activeSinceNs() / 1_000_000L);
            due = s.due(Instant.ofEpochMilli(baseMs), now);
        }
        if (running != null) {
            if (due != null && due.slot().isPresent()) {
                long slot = due.slot().get().toEpochMilli();
                boolean queued = b.runs.values().stream().anyMatch(r -> r.state() == State.SCHEDULED
                        && r.trigger().equals("queued"));
                if (p.overlap() == Plan.Overlap.QUEUE && !queued) {
                    out.add(new Record(p.name(), run(p, slot, 1, State.SCHEDULED, "queued", agent, due.missed(), nowMs,
                            "waits for " + running.id()), null));
                } else {
                    out.add(new Record(p.name(), run(p, slot, 1, State.SKIPPED, "schedule", agent, due.missed(), nowMs,
                            queued ? "a run is already queued behind " + running.id() : "the previous run "
                                    + running.id() + " was still running"), null));
                }
            }
            return out;
        }
        PlanRun waiting = null;
        for (PlanRun r : b.runs.values()) {
            if (!p.paused() && r.state() == State.SCHEDULED && r.startMs() <= nowMs
                    && (waiting == null || r.slotMs() < waiting.slotMs())) {
                waiting = r;
            }
        }
        if (waiting != null) {
            out.add(new Start(p.name(), started(waiting, agent, nowMs), null));
        } else if (!b.requests.isEmpty()) {
            Map.Entry<String, Long> req = b.requests.entrySet().iterator().next();
            out.add(new Start(p.name(), run(p, req.getValue(), 1, State.RUNNING, "manual", agent, 0, nowMs, null),
                    req.getKey()));
        } else if (due != null && due.slot().isPresent()) {
            long slot = due.slot().get().toEpochMilli();
            out.add(new Start(p.name(), run(p, slot, 1, State.RUNNING, due.missed() > 0 ? "catch-up" : "schedule", agent,
                    due.missed(), nowMs, due.missed() > 0 ? due.missed() + " earlier slot(s) passed over" : null), null));
        } else if (p.continuous() && !p.paused() && b.changedAtMs != Long.MIN_VALUE
                && nowMs - b.changedAtMs >= settle.toMillis()) {
            Set<Path> dirs = b.changedDirs == null ? null : Set.copyOf(b.changedDirs);
            out.add(new Start(p.name(), run(p, nowMs, 1, State.RUNNING, "change", agent, 0, nowMs,
                    "changes since " + Instant.ofEpochMilli(b.changedAtMs) + (dirs == null ? ", walking everything"
                            : " in " + dirs.size() + " director" + (dirs.size() == 1 ? "y" : "ies"))), null, dirs));
        }
        if (!out.isEmpty() && p.continuous()) {
            b.changedAtMs = Long.MIN_VALUE; // this run walks everything the changes touched
        }
        return out;
    }

    /** The run after {@code failed}, when it failed and may be tried again {@code backoff} later. */
    public static PlanRun retry(PlanRun failed, Duration backoff, long nowMs) {
        return new PlanRun(failed.plan(), PlanRun.id(failed.plan(), failed.slotMs(), failed.attempt() + 1), failed.slotMs(),
                failed.attempt() + 1, State.SCHEDULED, "retry", nowMs + backoff.toMillis(), 0, null, null, failed.agent(),
                0, 0, 0, failed.missed(), null, "attempt " + (failed.attempt() + 1) + " after: " + failed.error());
    }

    private static PlanRun run(Plan p, long slotMs, int attempt, State state, String trigger, String agent, long missed,
            long nowMs, String note) {
        return new PlanRun(p.name(), PlanRun.id(p.name(), slotMs, attempt), slotMs, attempt, state, trigger,
                state == State.RUNNING ? nowMs : state == State.SCHEDULED ? 0 : nowMs, state == State.SKIPPED ? nowMs : 0,
                null, null, agent, 0, 0, 0, missed, null, note);
    }

    private static PlanRun started(PlanRun r, String agent, long nowMs) {
        return new PlanRun(r.plan(), r.id(), r.slotMs(), r.attempt(), State.RUNNING, r.trigger(), nowMs, 0, null, null, agent,
                0, 0, 0, r.missed(), null, r.note());
    }

    /** Forgets a deleted plan's book. */
    public void drop(String plan) {
        books.remove(plan);
    }
}
