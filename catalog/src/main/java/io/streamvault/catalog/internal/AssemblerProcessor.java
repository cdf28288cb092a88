package io.streamvault.catalog.internal;

import io.streamvault.catalog.CatalogSettings;
import io.streamvault.catalog.CatalogTopology;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.kafka.Punctuations;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.ChunkBatches;
import io.streamvault.schemas.DeadLetters;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.AckStatus;
import io.streamvault.schemas.records.BatchedManifest;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.GcControl;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcReplyKind;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.schemas.records.WorkerStats;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles jobs. Every input is keyed by job, so one task sees all of a job's records. Counts
 * decide completion ({@link JobCounting#complete}); entries wait in the entries store until the
 * job is complete, then the {@link Sealer} turns them into trees and a snapshot, and a SEALED
 * status goes out. Progress goes out every progress interval for jobs that changed.
 */
public final class AssemblerProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(AssemblerProcessor.class);
    private final Topics topics;
    private final Sealer sealer;
    private final Serde<NodeRecord> nodeSerde;
    private final CatalogSettings settings;
    private final CatalogMeters meters;
    /** The running jobs this task counts in {@link CatalogMeters#running}. */
    private final Set<String> running = new HashSet<>();
    private final Deserializer<JobStarted> jobReader;
    private final Deserializer<DirScanned> dirReader;
    private final Deserializer<FileManifest> fileReader;
    private final Deserializer<ChunkAck> ackReader;
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Jobs that ended whose entries are still in the store (see {@link #sweep()}). */
    private final Set<String> unswept = new LinkedHashSet<>();
    private boolean sweptSinceStart;
    /** The scheduled {@link #reportProgress}; null while there is nothing to report or sweep. */
    private Cancellable progress;
    /** The scheduled {@link #expire}. */
    private Cancellable expiry;
    private final Map<String, CatalogJob> live = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CatalogJob> eldest) {
            return size() > 64;
        }
    };
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, CatalogJob> jobs;
    private EntryStore entries;
    private KeyValueStore<String, String> gcMode;
    private final Deserializer<GcControl> gcReader;

    public AssemblerProcessor(Topics topics, Sealer sealer, Serde<NodeRecord> nodeSerde, CatalogSettings settings,
            CatalogMeters meters) {
        this.meters = meters;
        this.topics = topics;
        this.sealer = sealer;
        this.nodeSerde = nodeSerde;
        this.settings = settings;
        this.jobReader = topics.jobs.valueSerde().deserializer();
        this.dirReader = topics.dirScans.valueSerde().deserializer();
        this.fileReader = topics.fileManifests.valueSerde().deserializer();
        this.ackReader = topics.chunkAcks.valueSerde().deserializer();
        this.gcReader = topics.gcControl.valueSerde().deserializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.jobs = context.getStateStore(CatalogTopology.JOBS_STORE);
        this.entries = new EntryStore(context.getStateStore(CatalogTopology.ENTRIES_STORE), nodeSerde.serializer(),
                nodeSerde.deserializer(), storeTopic());
        this.gcMode = context.getStateStore(CatalogTopology.GC_STORE);
        forget(); // a task revived after a failure initialises the same processor again
        watchProgress(); // the first sweep, with or without records
        expiry = context.schedule(Duration.ofMillis(Math.min(settings.jobRetentionMs(), 3_600_000)),
                PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    /**
     * Forgets sealed and failed jobs whose last record is older than the retention: their
     * status stays on job-status and their snapshot in the vault, and the store does not grow
     * with every job ever run.
     */
    private void expire(long now) {
        List<String> old = ended(j -> now - j.getLastUpdateMs() > settings.jobRetentionMs());
        for (String job : old) {
            jobs.delete(job);
            live.remove(job);
        }
        if (!old.isEmpty()) {
            LOG.info("forgot {} jobs sealed or failed over {} ms ago", old.size(), settings.jobRetentionMs());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        watchProgress();
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (record.key() == null || record.value() == null) {
            deadLetter(record, topic, "record without key or value");
            return;
        }
        if (topic.equals(topics.gcControl.name())) {
            try {
                onGc(gcReader.deserialize(topic, record.value()));
            } catch (SerializationException e) {
                deadLetter(record, topic, e.getMessage());
            }
            return;
        }
        String job = new String(record.key(), StandardCharsets.UTF_8);
        CatalogJob state = load(job);
        if (state == null) {
            state = JobCounting.newJob(job);
        } else if (state.getState() != JobState.RUNNING) {
            return; // sealed or failed: late records change nothing
        }
        try {
            if (topic.equals(topics.jobs.name())) {
                JobStarted started = jobReader.deserialize(topic, record.value());
                // The scanners' list (up to ChangedDirs.MAX_BYTES) plays no part in sealing: the job's
                // state, written again at every commit, does not keep it.
                started.setChangedDirs(null);
                state.setStarted(started);
            } else if (topic.equals(topics.dirScans.name())) {
                onDir(job, state, dirReader.deserialize(topic, record.value()));
            } else if (topic.equals(topics.fileManifests.name())) {
                onFile(job, state, fileReader.deserialize(topic, record.value()));
            } else if (topic.equals(topics.chunkAcks.name())) {
                ChunkAck ack = ackReader.deserialize(topic, record.value());
                for (ChunkAck one : ChunkBatches.items(ack, ack.getMore())) {
                    onAck(job, state, one);
                }
            } else {
                deadLetter(record, topic, "unexpected topic");
                return;
            }
        } catch (SerializationException e) {
            deadLetter(record, topic, e.getMessage());
            return;
        }
        state.setLastUpdateMs(record.timestamp());
        if (JobCounting.complete(state)) {
            seal(job, state, record.timestamp());
        } else {
            save(job, state);
            dirty.add(job);
            counting(job);
        }
    }

    /** Counts a job as running here (once). */
    private void counting(String job) {
        if (running.add(job)) {
            meters.running.incrementAndGet();
        }
    }

    /** A job that ended, or a job this task no longer holds, no longer counts as running here. */
    private void notRunning(String job) {
        if (running.remove(job)) {
            meters.running.decrementAndGet();
        }
    }

    /** The task is closed (its partitions moved, or the process stops): its jobs are another's to count. */
    @Override
    public void close() {
        forget();
    }

    /**
     * Drops what this processor keeps besides its stores: its punctuations, and the job states it holds in
     * memory. A task that failed is closed and initialised again on the same processor after its stores
     * were put back to the last commit; a job state kept from the aborted transaction (sealed there, say)
     * would otherwise hide the store's and make the job's records be ignored when they come again.
     */
    private void forget() {
        progress = Punctuations.cancel(progress);
        expiry = Punctuations.cancel(expiry);
        meters.running.addAndGet(-running.size());
        running.clear();
        live.clear();
        dirty.clear();
        unswept.clear();
        sweptSinceStart = false;
    }

    /**
     * A job's state: decoded once, then kept here while the job receives records (every change is
     * still written to the store, whose cache turns them into one changelog record per commit).
     */
    private CatalogJob load(String job) {
        CatalogJob state = live.get(job);
        if (state == null) {
            state = jobs.get(job);
            if (state != null) {
                live.put(job, state);
            }
        }
        return state;
    }

    private void save(String job, CatalogJob state) {
        jobs.put(job, state);
        live.put(job, state);
    }

    private void onDir(String job, CatalogJob state, DirScanned d) {
        JobProgress p = state.getProgress();
        p.setDirsScanned(p.getDirsScanned() + 1);
        p.setDirsExpected(p.getDirsExpected() + d.getSubdirs());
        p.setEntriesExpected(p.getEntriesExpected() + d.getEntries());
        p.setDirsTotal(p.getDirsTotal() + 1);
        p.setBytesToRead(p.getBytesToRead() + d.getBytesToRead());
        JobCounting.worker(state, d.getWorker()).setDirs(JobCounting.worker(state, d.getWorker()).getDirs() + 1);
        byte[] rel = Buffers.of(d.getRel());
        if (d.getNode().getError() != null) {
            JobCounting.warn(state, "cannot list directory " + display(rel) + ": " + d.getNode().getError());
        }
        if (d.getReusedTree() != null) {
            p.setFilesUnmodified(p.getFilesUnmodified() + d.getReusedFiles());
            p.setBytesTotal(p.getBytesTotal() + d.getReusedBytes());
            WorkerStats w = JobCounting.worker(state, d.getWorker());
            w.setFiles(w.getFiles() + d.getReusedFiles());
            entries.put(job, rel, new byte[0], 0, Nodes.reuseMarker(d.getReusedTree()));
        }
        if (rel.length == 0) {
            state.setRoot(d.getNode());
        } else {
            p.setEntriesReceived(p.getEntriesReceived() + 1);
            entries.put(job, RawPaths.parent(rel), RawPaths.base(rel), 0, d.getNode());
        }
    }

    /**
     * A manifest: its own entry, then each further whole entry it carries ({@code more}), counted
     * alike. A batch of first readings of one-part files is stored as one entry ({@link EntryStore}).
     */
    private void onFile(String job, CatalogJob state, FileManifest f) {
        byte[] dir = Buffers.of(f.getDir());
        WorkerStats w = JobCounting.worker(state, f.getWorker());
        onEntry(state, dir, w, f.getNode(), f.getOrigin(), f.getPart(), f.getParts(), f.getAttempt(),
                f.getChunksPending(), f.getBytesRead());
        for (BatchedManifest m : f.getMore()) {
            onEntry(state, dir, w, m.getNode(), m.getOrigin(), 0, 1, f.getAttempt(), m.getChunksPending(),
                    m.getBytesRead());
        }
        if (f.getMore().isEmpty() || f.getAttempt() != 0 || f.getPart() != 0 || f.getParts() != 1) {
            entries.put(job, dir, Buffers.of(f.getNode().getName()), f.getPart(), f.getNode());
            for (BatchedManifest m : f.getMore()) {
                entries.put(job, dir, Buffers.of(m.getNode().getName()), 0, m.getNode());
            }
            return;
        }
        List<NodeRecord> nodes = new ArrayList<>(f.getMore().size() + 1);
        nodes.add(f.getNode());
        for (BatchedManifest m : f.getMore()) {
            nodes.add(m.getNode());
        }
        entries.putBatch(job, dir, nodes);
    }

    private void onEntry(CatalogJob state, byte[] dir, WorkerStats w, NodeRecord n, FileOrigin origin,
            int part, int parts, int attempt, int chunksPending, long bytesRead) {
        JobProgress p = state.getProgress();
        if (attempt == 0) {
            p.setPartsReceived(p.getPartsReceived() + 1);
            if (part == 0) {
                p.setEntriesReceived(p.getEntriesReceived() + 1);
                p.setPartsExpected(p.getPartsExpected() + parts);
                if (n.getType() == NodeType.FILE && n.getError() == null) {
                    count(p, origin, n);
                    w.setFiles(w.getFiles() + 1);
                }
            }
        } else {
            p.setRereadsReceived(p.getRereadsReceived() + 1);
        }
        p.setChunksExpected(p.getChunksExpected() + chunksPending);
        p.setBytesRead(p.getBytesRead() + bytesRead);
        w.setBytesRead(w.getBytesRead() + bytesRead);
        byte[] name = Buffers.of(n.getName());
        if (n.getError() != null && part == 0) {
            p.setFilesSkipped(p.getFilesSkipped() + 1);
            JobCounting.warn(state, "cannot read " + display(TreeAssembler.join(dir, name)) + ": " + n.getError());
        } else if (n.getChangedDuringBackup() && part == 0) {
            JobCounting.warn(state, "changed during backup: " + display(TreeAssembler.join(dir, name)));
        }
    }

    private static void count(JobProgress p, FileOrigin origin, NodeRecord n) {
        switch (origin) {
            case NEW -> p.setFilesNew(p.getFilesNew() + 1);
            case CHANGED -> p.setFilesChanged(p.getFilesChanged() + 1);
            case UNMODIFIED -> p.setFilesUnmodified(p.getFilesUnmodified() + 1);
            default -> throw new IllegalStateException("unknown origin " + origin);
        }
        p.setBytesTotal(p.getBytesTotal() + n.getSize());
    }

    private void onAck(String job, CatalogJob state, ChunkAck a) {
        JobProgress p = state.getProgress();
        p.setChunksAcked(p.getChunksAcked() + a.getCount());
        if (a.getBytesAdded() > 0) {
            p.setBytesAdded(p.getBytesAdded() + a.getBytesAdded());
            p.setChunksNew(p.getChunksNew() + 1);
            WorkerStats w = JobCounting.worker(state, a.getWorker());
            w.setChunksUploaded(w.getChunksUploaded() + 1);
            w.setBytesUploaded(w.getBytesUploaded() + a.getBytesAdded());
        }
        List<ByteBuffer> failed = state.getFailedChunks();
        if (a.getStatus() == AckStatus.FAILED) {
            p.setChunksFailed(p.getChunksFailed() + a.getCount());
            if (!failed.contains(a.getId())) {
                failed.add(a.getId());
            }
            if (!reread(job, state, a)) {
                String where = a.getSource() == null ? "a file"
                        : display(TreeAssembler.join(Buffers.of(a.getSource().getDir()), Buffers.of(a.getSource().getName())));
                JobCounting.warn(state, "could not store a chunk of " + where + ": " + a.getError());
            }
        } else if (!failed.isEmpty()) {
            failed.remove(a.getId());
        }
    }

    /**
     * A chunk whose source changed between chunking and upload: the file (when it is a one-part
     * file under the re-read limit) is read again, and the job waits for its new manifest.
     */
    private boolean reread(String job, CatalogJob state, ChunkAck a) {
        ChunkSource s = a.getSource();
        if (s == null || s.getPart() != 0 || s.getAttempt() >= settings.maxRereads()
                || state.getStarted() == null) {
            return false;
        }
        byte[] dir = Buffers.of(s.getDir());
        byte[] name = Buffers.of(s.getName());
        NodeRecord node = entries.find(job, dir, name);
        if (node == null || entries.has(job, dir, name, 1)) {
            return false; // not received yet, or a file in several parts: recorded as changed instead
        }
        JobProgress p = state.getProgress();
        p.setRereadsExpected(p.getRereadsExpected() + 1);
        FileEvent ev = FileEvent.newBuilder()
                .setJob(job)
                .setRoot(state.getStarted().getRoot())
                .setDir(s.getDir())
                .setNode(NodeRecord.newBuilder(node).setContent(new ArrayList<>()).build())
                .setOrigin(FileOrigin.CHANGED)
                .setOffset(0)
                .setLength(node.getSize())
                .setPart(0)
                .setParts(1)
                .setAttempt(s.getAttempt() + 1)
                .build();
        context.forward(new Record<Object, Object>(Topics.spreadKey(job, TreeAssembler.join(dir, name)), ev,
                context.currentSystemTimeMs()), CatalogTopology.SINK_REREADS);
        return true;
    }

    /** The key of {@link CatalogTopology#GC_STORE} that holds the run during which seals reuse no tree. */
    private static final String STRICT = "strict";

    /**
     * Garbage collection's orders (docs/gc.md). STRICT_ON: from now on this task's seals reuse no
     * tree the vault holds (a seal that did is finished: this task seals one job at a time), then it
     * answers. STRICT_OFF: reload the tree index first, so the trees the run deleted are forgotten,
     * then reuse trees again. FENCE: the job fails and will never seal. The mode is kept in a store,
     * so it survives a restart of the task.
     */
    private void onGc(GcControl c) {
        if (c == null) {
            return;
        }
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(c.getPartition());
        switch (c.getAction()) {
            case STRICT_ON -> {
                gcMode.put(STRICT, c.getRun());
                gcReply(c.getRun(), GcReplyKind.STRICT_ACK, partition);
                LOG.info("garbage collection {}: seals reuse no existing tree", c.getRun());
            }
            case STRICT_OFF -> {
                sealer.reloadTrees();
                if (c.getRun().equals(gcMode.get(STRICT))) {
                    gcMode.delete(STRICT);
                }
                gcReply(c.getRun(), GcReplyKind.STRICT_OFF_ACK, partition);
                LOG.info("garbage collection {} ended: seals reuse trees again", c.getRun());
            }
            case FENCE -> fence(c);
            default -> LOG.warn("unknown garbage collection order {}", c.getAction());
        }
        context.commit();
    }

    private void fence(GcControl c) {
        String job = c.getJob();
        CatalogJob state = job == null ? null : load(job);
        if (state == null || state.getState() != JobState.RUNNING) {
            return;
        }
        String why = "fenced by garbage collection " + c.getRun() + (c.getReason() == null ? "" : ": " + c.getReason());
        LOG.warn("job {} {}", job, why);
        state.setState(JobState.FAILED);
        unswept.add(job);
        save(job, state);
        dirty.remove(job);
        notRunning(job);
        meters.failed.increment();
        context.forward(new Record<Object, Object>(job, status(state, JobState.FAILED, why), context.currentSystemTimeMs()),
                CatalogTopology.SINK_STATUS);
    }

    private void gcReply(String run, GcReplyKind kind, int partition) {
        context.forward(new Record<Object, Object>(run, new GcReply(run, kind, partition, List.of()),
                context.currentSystemTimeMs()), CatalogTopology.SINK_GC);
    }

    private void seal(String job, CatalogJob state, long timestampMs) {
        JobStatus status;
        long startNs = System.nanoTime();
        try {
            Sealer.Sealed sealed = sealWithRetries(job, state, timestampMs);
            state.setState(JobState.SEALED);
            state.setSnapshot(sealed.snapshotId());
            JobProgress p = state.getProgress();
            p.setBytesAdded(p.getBytesAdded() + sealed.treeBytes());
            status = status(state, JobState.SEALED, null);
            meters.sealed.increment();
            meters.duration.record(Duration.ofMillis(Math.max(0,
                    context.currentSystemTimeMs() - state.getStarted().getTimeNs() / 1_000_000)));
            LOG.info("job {} sealed as snapshot {} in {} ms ({} tree bytes)", job, sealed.snapshotId(),
                    (System.nanoTime() - startNs) / 1_000_000, sealed.treeBytes());
        } catch (StreamVaultException e) {
            LOG.error("job {} failed to seal: {}", job, e.getMessage());
            state.setState(JobState.FAILED);
            status = status(state, JobState.FAILED, e.getMessage());
            meters.failed.increment();
        }
        notRunning(job);
        unswept.add(job); // its entries are deleted after this commit: the waiting command need not wait for it
        save(job, state);
        dirty.remove(job);
        context.forward(new Record<Object, Object>(job, status, context.currentSystemTimeMs()),
                CatalogTopology.SINK_STATUS);
        // The status is visible (read-committed) only once this task commits: ask for it now
        // rather than at the next commit interval, which the waiting command would add to its time.
        context.commit();
    }

    /**
     * Deletes the entries of jobs that ended. Right after a seal, that is the jobs sealed since the
     * last call; the first time after a start, every job that ended (a crash can come between a
     * seal's commit and its sweep).
     */
    private void sweep() {
        if (!sweptSinceStart) {
            unswept.addAll(ended(j -> true));
            countRunning();
            sweptSinceStart = true;
        }
        for (String job : unswept) {
            entries.delete(job);
        }
        unswept.clear();
    }

    /** Counts the jobs that were running when this task started (their next record would, but may be long in coming). */
    private void countRunning() {
        try (KeyValueIterator<String, CatalogJob> it = jobs.all()) {
            while (it.hasNext()) {
                KeyValue<String, CatalogJob> kv = it.next();
                if (kv.value.getState() == JobState.RUNNING) {
                    counting(kv.key);
                }
            }
        }
    }

    /** The jobs in the store that ended (sealed or failed) and match {@code filter}. */
    private List<String> ended(Predicate<CatalogJob> filter) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, CatalogJob> it = jobs.all()) {
            while (it.hasNext()) {
                KeyValue<String, CatalogJob> kv = it.next();
                if (kv.value.getState() != JobState.RUNNING && filter.test(kv.value)) {
                    out.add(kv.key);
                }
            }
        }
        return out;
    }

    private Sealer.Sealed sealWithRetries(String job, CatalogJob state, long timestampMs) {
        long deadline = System.currentTimeMillis() + 120_000;
        for (int attempt = 1;; attempt++) {
            try {
                return sealer.seal(state, sink -> entries.feed(job, sink), timestampMs * 1_000_000L,
                        gcMode.get(STRICT) != null);
            } catch (StreamVaultException e) {
                if (!e.retryable() || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                LOG.warn("sealing job {} failed (attempt {}): {}; retrying", job, attempt, e.getMessage());
                try {
                    Thread.sleep(Math.min(10_000, 500L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Schedules {@link #reportProgress} unless it is: records came, or the task started. It runs once
     * and cancels itself (having reported and swept everything, nothing is left until the next record),
     * since every wall-clock punctuation that fires makes Kafka Streams commit the task, and an idle
     * agent committed a transaction every second.
     */
    private void watchProgress() {
        if (progress == null) {
            progress = context.schedule(Duration.ofMillis(settings.progressIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                    this::reportProgress);
        }
    }

    private void reportProgress(long now) {
        sweep();
        for (String job : dirty) {
            CatalogJob state = load(job);
            if (state != null && state.getState() == JobState.RUNNING) {
                context.forward(new Record<Object, Object>(job, status(state, JobState.RUNNING, null), now),
                        CatalogTopology.SINK_STATUS);
            }
        }
        dirty.clear();
        progress = Punctuations.cancel(progress);
    }

    private JobStatus status(CatalogJob state, JobState s, String error) {
        return JobStatus.newBuilder()
                .setJob(state.getJob())
                .setState(s)
                .setTimeMs(context.currentSystemTimeMs())
                .setProgress(JobProgress.newBuilder(state.getProgress()).build())
                .setSnapshot(state.getSnapshot())
                .setError(error)
                .setWarnings(new ArrayList<>(state.getWarnings()))
                .setWarningsTotal(state.getWarningsTotal())
                .build();
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, String reason) {
        var meta = context.recordMetadata();
        context.forward(record.withKey((Object) record.key()).withValue((Object) DeadLetters.of(topic,
                meta.map(m -> m.partition()).orElse(-1), meta.map(m -> m.offset()).orElse(-1L), record.key(),
                record.value(), reason, "catalog")), CatalogTopology.SINK_DEAD);
    }

    private String storeTopic() {
        return topics.groupId("catalog") + "-" + CatalogTopology.ENTRIES_STORE;
    }

    private static String display(byte[] rel) {
        return RawPaths.display(rel);
    }
}
