package io.streamvault.scheduler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanRun.State;
import io.streamvault.plans.PlanStore;
import io.streamvault.scheduler.internal.PlanBook;
import io.streamvault.scheduler.internal.Runs;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.PlanRunState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler role (docs/plans.md, The scheduler). Its consumer group shares the partitions of
 * {@code plan-runs}; for each partition it holds, it opens a producer with that partition's
 * transactional id (which fences the previous holder and ends its open transaction), reads the
 * partition from its start to rebuild the runs, and only then decides. Every run state, and the
 * records that start a backup, are written in a transaction of the partition's producer: a slot's
 * claim and its job exist together or not at all, and a fenced holder can commit nothing more. The
 * runs it ends are counted, by state, in {@code streamvault_scheduler_plan_runs_total} (docs/metrics.md).
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    public static final String ROLE = "scheduler";

    /** How the scheduler paces itself (StreamVaultConfig's scheduler.* settings). */
    public record Settings(Duration refresh, int attempts, Duration backoff, Duration settle) {
    }

    private final KafkaProps props;
    private final Topics topics;
    private final PlanStore store;
    private final PlanActions actions;
    private final String instance;
    private final Settings settings;
    private final Clock clock;
    private final Map<State, Counter> ends = new HashMap<>();
    private final Thread thread;
    private final ExecutorService work = Executors.newSingleThreadExecutor(DaemonThreads.named("scheduler-work"));
    private final ExecutorService copies = Executors.newSingleThreadExecutor(DaemonThreads.named("scheduler-copy"));
    private final ConcurrentLinkedQueue<Runnable> done = new ConcurrentLinkedQueue<>();
    private final Set<String> copying = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    // Owned by the scheduler thread.
    private final PlanBook book;
    private final Map<Integer, KafkaProducer<byte[], byte[]>> producers = new HashMap<>();
    private final Map<Integer, Long> catchUpTo = new HashMap<>();
    private final Set<Integer> caughtUp = new HashSet<>();
    /** The end of each job of a running run seen on job-status (only those: the map stays small). */
    private final Map<String, JobStatus> ended = new HashMap<>();
    private final Set<String> busy = new HashSet<>();
    private final Map<String, AutoCloseable> watches = new HashMap<>();
    /** Changes the watches reported, drained by the scheduler thread. */
    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();

    /** What a watch reported: {@code dirs} null means anywhere under the plan's path. */
    private record Change(String plan, long atMs, Set<Path> dirs) {
    }
    private Map<String, Plan> plans = Map.of();
    private long loadedAt = Long.MIN_VALUE;
    private boolean reload;
    private boolean rereadStatus;
    private int partitions = 1;

    public Scheduler(KafkaProps props, Topics topics, PlanStore store, PlanActions actions, String instance,
            Settings settings, Clock clock, MeterRegistry meters) {
        for (State s : State.values()) {
            if (s.ended()) {
                ends.put(s, Counter.builder("streamvault.scheduler.plan.runs").description("Plan runs this scheduler"
                        + " ended, by how they ended (a failed run that is tried again counts once per attempt).")
                        .tag("state", s.name().toLowerCase(Locale.ROOT)).register(meters));
            }
        }
        this.props = props;
        this.topics = topics;
        this.store = store;
        this.actions = actions;
        this.instance = instance;
        this.settings = settings;
        this.clock = clock;
        this.book = new PlanBook(settings.settle());
        this.thread = new Thread(this::loop, "scheduler");
        this.thread.setDaemon(true);
    }

    public Scheduler start() {
        thread.start();
        return this;
    }

    /**
     * Runs the scheduler until closed. A failure (the cluster away longer than the clients wait, a
     * bug) ends one round: its partitions are given up, as if the agent had left the group, and after
     * a pause the scheduler joins again and reads them anew, so an agent never keeps running without
     * the scheduler it was started with.
     */
    private void loop() {
        while (!stopping) {
            try {
                round();
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.error("the scheduler failed ({}); it starts again in {} s", e.toString(), RESTART.toSeconds(), e);
                try {
                    Thread.sleep(RESTART.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        work.shutdownNow();
        copies.shutdownNow();
    }

    /** The pause before a failed scheduler joins its group again. */
    static final Duration RESTART = Duration.ofSeconds(5);

    private void round() {
        String group = topics.groupId(ROLE);
        Deserializer<io.streamvault.schemas.records.PlanRun> runReader = topics.planRuns.valueSerde().deserializer();
        Deserializer<JobStatus> statusReader = topics.jobStatus.valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props.consumer(group, instance + "." + ROLE, 500));
                KafkaConsumer<byte[], byte[]> status = new KafkaConsumer<>(props.consumer(null, instance + "." + ROLE
                        + ".status", 2000))) {
            List<TopicPartition> statusParts = new ArrayList<>();
            for (PartitionInfo pi : status.partitionsFor(topics.jobStatus.name())) {
                statusParts.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            status.assign(statusParts);
            status.seekToBeginning(statusParts);
            partitions = consumer.partitionsFor(topics.planRuns.name()).size();
            consumer.subscribe(List.of(topics.planRuns.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    parts.forEach(tp -> release(tp.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    for (TopicPartition tp : parts) {
                        acquire(consumer, tp);
                    }
                }
            });
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!producers.containsKey(r.partition()) || r.value() == null) {
                        continue;
                    }
                    try {
                        take(runReader.deserialize(r.topic(), r.value()));
                    } catch (SerializationException e) {
                        LOG.warn("plan-runs record at {}:{} unreadable, skipped: {}", r.partition(), r.offset(), e.getMessage());
                    }
                }
                if (rereadStatus) {
                    // A new partition's running runs may have ended while nobody watched: read job-status again.
                    status.seekToBeginning(statusParts);
                    rereadStatus = false;
                }
                Set<String> jobs = new HashSet<>();
                book.running().forEach(r -> {
                    if (r.job() != null) {
                        jobs.add(r.job());
                    }
                });
                ended.keySet().retainAll(jobs);
                for (ConsumerRecord<byte[], byte[]> r : status.poll(Duration.ZERO)) {
                    try {
                        JobStatus s = statusReader.deserialize(r.topic(), r.value());
                        if (s != null && s.getState() != JobState.RUNNING && jobs.contains(s.getJob())) {
                            ended.put(s.getJob(), s);
                        }
                    } catch (SerializationException e) {
                        // not a status this scheduler can read: not one of its jobs
                    }
                }
                Runnable next;
                while ((next = done.poll()) != null) {
                    next.run();
                }
                tick(consumer);
            }
        } finally {
            for (Integer p : new ArrayList<>(producers.keySet())) {
                release(p);
            }
            watches.values().forEach(Scheduler::quietly);
            watches.clear();
        }
    }

    /** The partition of a plan, for the topic's real partition count (read when a round starts). */
    private int partitionOf(String plan) {
        return Topics.planPartition(plan, partitions);
    }

    private void acquire(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp) {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props.transactionalProducer(topics.namespace + ROLE + "-"
                + tp.partition()));
        p.initTransactions(); // fences the previous holder; its open transaction is ended first
        producers.put(tp.partition(), p);
        consumer.seekToBeginning(List.of(tp));
        catchUpTo.put(tp.partition(), consumer.endOffsets(List.of(tp)).get(tp));
        caughtUp.remove(tp.partition());
        reload = true;
        LOG.info("scheduler {} owns plan partition {}", instance, tp.partition());
    }

    private void release(int partition) {
        KafkaProducer<byte[], byte[]> p = producers.remove(partition);
        catchUpTo.remove(partition);
        caughtUp.remove(partition);
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
        for (Plan plan : plans.values()) {
            if (partitionOf(plan.name()) == partition) {
                book.drop(plan.name());
                quietly(watches.remove(plan.name()));
            }
        }
    }

    private void take(io.streamvault.schemas.records.PlanRun r) {
        if (r.getState() == PlanRunState.REQUESTED) {
            if (r.getTrigger().equals("changed")) {
                reload = true;
                book.handled(r.getPlan(), r.getRun());
            } else {
                book.request(r.getPlan(), r.getRun(), r.getSlotMs());
            }
        } else if (r.getState() == PlanRunState.HANDLED) {
            book.handled(r.getPlan(), r.getRun());
        } else {
            book.apply(Runs.of(r));
        }
    }

    private void tick(KafkaConsumer<byte[], byte[]> consumer) {
        long now = clock.millis();
        if (reload || now - loadedAt >= settings.refresh().toMillis()) {
            try {
                plans = store.load(e -> LOG.warn("a plan version is unreadable: {}", e.getMessage()));
            } catch (StreamVaultException e) {
                LOG.warn("plans not reloaded: {}", e.getMessage());
            }
            loadedAt = now;
            reload = false;
        }
        for (Change c; (c = changes.poll()) != null; ) {
            if (watches.containsKey(c.plan())) { // reported by a watch that has been closed since: stale
                book.changed(c.plan(), c.atMs(), c.dirs());
            }
        }
        for (Plan plan : plans.values()) {
            int part = partitionOf(plan.name());
            Long upTo = catchUpTo.get(part);
            if (upTo == null || consumer.position(new TopicPartition(topics.planRuns.name(), part)) < upTo) {
                continue; // not ours, or not yet read to where the previous holder left it
            }
            if (caughtUp.add(part)) {
                rereadStatus = true; // its running runs are known now: find the ends of their jobs
                continue;
            }
            watch(plan);
            finish(plan, part, now);
            for (PlanBook.Action a : book.decide(plan, clock.instant(), instance)) {
                carryOut(plan, part, a, now);
            }
        }
        watches.keySet().removeIf(name -> {
            Plan p = plans.get(name);
            boolean keep = p != null && p.continuous() && !p.paused() && catchUpTo.containsKey(partitionOf(name));
            if (!keep) {
                quietly(watches.get(name));
            }
            return !keep;
        });
    }

    private void watch(Plan plan) {
        if (plan.continuous() && !plan.paused() && !watches.containsKey(plan.name())) {
            try {
                watches.put(plan.name(), actions.watch(plan, dirs -> changes.add(new Change(plan.name(), clock.millis(), dirs))));
                // What changed while nobody watched: the next run walks everything (set now, not
                // queued, so that no decision in between narrows a walk to a stale set).
                book.changed(plan.name(), clock.millis(), null);
            } catch (RuntimeException e) {
                LOG.warn("plan {}: cannot watch {}: {}; its full walks still run", plan.name(), plan.path(), e.getMessage());
                watches.put(plan.name(), () -> { });
            }
        }
    }

    /** Ends the running run of the plan whose job has ended, or whose runner is gone. */
    private void finish(Plan plan, int part, long now) {
        PlanRun r = book.running(plan.name());
        if (r == null || busy.contains(r.id())) {
            return;
        }
        if (r.job() == null) { // a maintenance run this scheduler is not running: its runner stopped
            write(part, List.of(), ended(r, State.FAILED, now, null, "the agent running it stopped (" + r.agent() + ")", null));
            return;
        }
        JobStatus s = ended.get(r.job());
        if (s == null) {
            return;
        }
        if (s.getState() != JobState.SEALED) {
            failed(part, ended(r, State.FAILED, now, s, s.getError(), null), List.of(), now);
            return;
        }
        if (!plan.hasRetention() && plan.copyTo() == null) {
            write(part, List.of(), ended(r, State.SUCCEEDED, now, s, null, null));
            return;
        }
        busy.add(r.id());
        work.execute(() -> {
            String forgot = null;
            if (plan.hasRetention()) {
                try {
                    forgot = actions.forget(plan);
                } catch (RuntimeException e) {
                    forgot = "retention not applied: " + e.getMessage();
                }
            }
            String n = forgot;
            done.add(() -> {
                busy.remove(r.id());
                PlanRun ok = ended(r, State.SUCCEEDED, clock.millis(), s, null, n);
                if (producers.containsKey(part) && write(part, List.of(), ok) && plan.copyTo() != null) {
                    copyAfter(plan, part, ok);
                }
            });
        });
    }

    /**
     * Brings the plan's copy up to date after its run succeeded. The run is already recorded, so the
     * plan's next slots do not wait for a copy (a first one may take days); the copy's outcome is
     * added to the run's note when it ends. Copies go one at a time, beside the collections.
     */
    private void copyAfter(Plan plan, int part, PlanRun ok) {
        if (!copying.add(plan.name())) {
            return; // a copy of this plan is still going or waiting: it takes this run's snapshot along
        }
        copies.execute(() -> {
            copying.remove(plan.name());
            String note;
            try {
                note = actions.copy(plan);
            } catch (RuntimeException e) {
                note = "copy to " + plan.copyTo() + " failed: " + e.getMessage();
            }
            String n = ok.note() == null ? note : ok.note() + "; " + note;
            done.add(() -> {
                if (producers.containsKey(part)) {
                    write(part, List.of(), ok.withNote(n));
                }
            });
        });
    }

    /** Records a failed run, and in the same transaction the next attempt when one is left. */
    private void failed(int part, PlanRun failed, List<ProducerRecord<byte[], byte[]>> extra, long now) {
        List<ProducerRecord<byte[], byte[]>> with = new ArrayList<>(extra);
        PlanRun retry = null;
        if (failed.attempt() < settings.attempts()) {
            Duration wait = settings.backoff().multipliedBy(1L << Math.min(20, failed.attempt() - 1));
            retry = PlanBook.retry(failed, wait, now);
            with.add(record(part, retry.id(), Runs.avro(retry, now)));
        }
        if (write(part, with, failed) && retry != null) {
            book.apply(retry);
        }
    }

    private void carryOut(Plan plan, int part, PlanBook.Action a, long now) {
        List<ProducerRecord<byte[], byte[]>> extra = new ArrayList<>();
        String request = a instanceof PlanBook.Start st ? st.request() : ((PlanBook.Record) a).request();
        if (request != null) {
            extra.add(record(part, request, Runs.handled(plan.name(), request, now)));
        }
        if (a instanceof PlanBook.Record rec) {
            write(part, extra, rec.run());
            return;
        }
        PlanRun run = ((PlanBook.Start) a).run();
        if (plan.gc()) {
            if (!write(part, extra, run)) {
                return;
            }
            busy.add(run.id());
            work.execute(() -> {
                PlanRun end;
                try {
                    end = ended(run, State.SUCCEEDED, clock.millis(), null, null, actions.gc());
                } catch (RuntimeException e) {
                    end = ended(run, State.FAILED, clock.millis(), null, e.getMessage(), null);
                }
                PlanRun e = end;
                done.add(() -> {
                    busy.remove(run.id());
                    if (producers.containsKey(part)) {
                        write(part, List.of(), e);
                    }
                });
            });
            return;
        }
        String job = UUID.nameUUIDFromBytes(run.id().getBytes(StandardCharsets.UTF_8)).toString();
        PlanRun withJob = new PlanRun(run.plan(), run.id(), run.slotMs(), run.attempt(), run.state(), run.trigger(),
                run.startMs(), 0, job, null, instance, 0, 0, 0, run.missed(), null, run.note());
        try {
            extra.addAll(actions.startBackup(plan, job, ((PlanBook.Start) a).changedDirs(), book.lastSnapshot(plan.name())));
        } catch (RuntimeException e) {
            failed(part, ended(withJob, State.FAILED, now, null, e.getMessage(), null), extra, now);
            return;
        }
        if (write(part, extra, withJob)) {
            LOG.info("plan {}: run {} started (job {}, {})", plan.name(), run.id(), job, run.trigger());
        }
    }

    private static PlanRun ended(PlanRun r, State state, long now, JobStatus s, String error, String note) {
        JobProgress p = s == null ? null : s.getProgress();
        long files = p == null ? 0 : p.getFilesNew() + p.getFilesChanged() + p.getFilesUnmodified();
        return new PlanRun(r.plan(), r.id(), r.slotMs(), r.attempt(), state, r.trigger(), r.startMs(), now, r.job(),
                s == null ? null : s.getSnapshot(), r.agent(), files, p == null ? 0 : p.getBytesRead(),
                p == null ? 0 : p.getBytesAdded(), r.missed(), error, note != null ? note : r.note());
    }

    private ProducerRecord<byte[], byte[]> record(int part, String key, io.streamvault.schemas.records.PlanRun v) {
        Serializer<io.streamvault.schemas.records.PlanRun> w = topics.planRuns.valueSerde().serializer();
        return new ProducerRecord<>(topics.planRuns.name(), part, key.getBytes(StandardCharsets.UTF_8),
                w.serialize(topics.planRuns.name(), v));
    }

    /** Writes the run (with {@code extra} records) in one transaction; false when this scheduler no longer owns the partition. */
    private boolean write(int part, List<ProducerRecord<byte[], byte[]>> extra, PlanRun run) {
        KafkaProducer<byte[], byte[]> p = producers.get(part);
        if (p == null) {
            return false;
        }
        try {
            p.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : extra) {
                p.send(r);
            }
            p.send(record(part, run.id(), Runs.avro(run, clock.millis())));
            p.commitTransaction();
            if (run.state().ended() && book.runs(run.plan()).stream().noneMatch(r -> r.id().equals(run.id())
                    && r.state().ended())) {
                ends.get(run.state()).increment(); // once: a run's note added later writes it again
            }
        } catch (ProducerFencedException e) {
            LOG.warn("scheduler {} was fenced on plan partition {}: another agent owns it now", instance, part);
            release(part);
            return false;
        } catch (KafkaException e) {
            // The partition is still assigned to this consumer: start the round again, which gives up
            // every partition and reads them anew once the group assigns them.
            throw new KafkaException("plan " + run.plan() + ": writing run " + run.id() + " failed; the scheduler starts"
                    + " again", e);
        }
        book.apply(run);
        return true;
    }

    private static void quietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // a watch that does not close cleanly has nothing left to report
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
