package io.streamvault.dedup.internal;

import io.streamvault.common.kafka.Punctuations;
import io.streamvault.dedup.DedupSettings;
import io.streamvault.dedup.DedupTopology;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.ChunkBatches;
import io.streamvault.schemas.DeadLetters;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.AckStatus;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkState;
import io.streamvault.schemas.records.ChunkStatus;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.GcAction;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcReplyKind;
import io.streamvault.schemas.records.GcRequest;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.schemas.records.Waiter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
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
 * Owns the state of the chunk ids of its partition. First sighting: PENDING and one upload
 * request. Later sightings: the job waits (PENDING) or is acknowledged at once (STORED). A stored
 * event acknowledges every waiting job. A mismatch (the source changed) fails the reference it
 * came from and tries another waiting source. Pending chunks older than the timeout are requested
 * again. A record of {@code chunks} or {@code chunk-stored} may carry more ids of its partition (its
 * {@code more}); the upload requests and acknowledgements one input record causes are sent as few
 * records, batched the same way, so a batch of small files costs records per batch, not per chunk.
 */
public final class DedupProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(DedupProcessor.class);
    private static final int MAX_REISSUE_PER_PUNCTUATION = 10_000;
    /** States read per step of the scan that finds the pending chunks a new processor's store holds. */
    private static final int SCAN_STEP = 5_000;
    private static final Duration SCAN_EVERY = Duration.ofMillis(100);
    private static final byte[] EMPTY = new byte[0];
    private final Topics topics;
    private final DedupSettings settings;
    private final DedupMeters meters;
    private final Deserializer<ChunkRecord> chunkReader;
    private final Deserializer<ChunkStored> storedReader;
    private final Deserializer<GcRequest> gcReader;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, ChunkState> store;
    /**
     * The pending chunks, by the time they were asked for (8 bytes, big-endian) then id: the timeout's
     * re-requests take what is due from its head. A local store without a changelog (one cost a record
     * when a chunk was asked for and a tombstone when it was stored, half of what dedup wrote): a
     * processor that starts finds what its chunk states hold pending by a scan of them (a task moved
     * here, or revived after a failure, has this store empty). An entry whose state has changed since
     * is dropped when it is due.
     */
    private KeyValueStore<Bytes, byte[]> pending;
    /** The key the scan goes on from. */
    private Bytes scanFrom;
    private Cancellable scan;
    private Cancellable reissue;
    /** Pending states the scan found. */
    private long scanFound;
    /** Upload requests caused by the input record being processed, sent by {@link #flush}. */
    private final List<UploadRequest> uploads = new ArrayList<>();
    /** Acknowledgements caused by the input record being processed, per job, sent by {@link #flush}. */
    private final Map<String, List<ChunkAck>> acks = new LinkedHashMap<>();

    public DedupProcessor(Topics topics, DedupSettings settings, DedupMeters meters) {
        this.meters = meters;
        this.topics = topics;
        this.settings = settings;
        this.chunkReader = topics.chunks.valueSerde().deserializer();
        this.storedReader = topics.chunkStored.valueSerde().deserializer();
        this.gcReader = topics.gcRequests.valueSerde().deserializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(DedupTopology.STORE);
        this.pending = context.getStateStore(DedupTopology.PENDING_INDEX);
        scan = Punctuations.cancel(scan); // (a task revived after a failure initialises the same processor again)
        reissue = Punctuations.cancel(reissue);
        scanFrom = Bytes.wrap(new byte[0]);
        scanFound = 0;
        scan = context.schedule(SCAN_EVERY, PunctuationType.WALL_CLOCK_TIME, this::scanStep);
        long every = Math.max(1000, settings.pendingTimeoutMs() / 4);
        reissue = context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::reissueExpired);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        // What an earlier call left when it failed halfway (a timeout in a store's changelog write: the
        // task is revived with this processor and the record processed again) never goes out.
        uploads.clear();
        acks.clear();
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (record.key() == null) {
            deadLetter(record, topic, "record without a chunk id key");
            return;
        }
        if (topic.equals(topics.gcRequests.name())) {
            GcRequest request;
            try {
                request = gcReader.deserialize(topic, record.value());
            } catch (SerializationException e) {
                deadLetter(record, topic, e.getMessage());
                return;
            }
            if (request == null) {
                deadLetter(record, topic, "null gc request");
                return;
            }
            onGc(record, request);
        } else if (topic.equals(topics.chunkStored.name())) {
            if (record.value() == null) {
                forget(Bytes.wrap(record.key()));
                return;
            }
            ChunkStored stored;
            try {
                stored = storedReader.deserialize(topic, record.value());
            } catch (SerializationException e) {
                deadLetter(record, topic, e.getMessage());
                return;
            }
            for (ChunkStored one : ChunkBatches.items(stored, stored.getMore())) {
                onStored(Buffers.of(one.getId()), one);
            }
            flush(record);
        } else {
            ChunkRecord chunk;
            try {
                chunk = chunkReader.deserialize(topic, record.value());
            } catch (SerializationException e) {
                deadLetter(record, topic, e.getMessage());
                return;
            }
            if (chunk == null) {
                deadLetter(record, topic, "null chunk record");
                return;
            }
            for (ChunkRecord one : ChunkBatches.items(chunk, chunk.getMore())) {
                onChunk(Buffers.of(one.getId()), one);
            }
            flush(record);
        }
    }

    /**
     * Sends what one input record caused: its upload requests as few records (the first of each
     * group carrying the rest as {@code more}), and its acknowledgements as few records per job.
     */
    private void flush(Record<byte[], byte[]> record) {
        for (UploadRequest r : ChunkBatches.joined(ChunkBatches.inOrder(uploads, ChunkBatches::bytes),
                UploadRequest::setMore)) {
            context.forward(record.withValue((Object) r).withKey((Object) Buffers.of(r.getId())), DedupTopology.SINK_UPLOADS);
        }
        uploads.clear();
        for (Map.Entry<String, List<ChunkAck>> e : acks.entrySet()) {
            for (ChunkAck a : ChunkBatches.joined(ChunkBatches.inOrder(e.getValue(), ChunkBatches::bytes),
                    ChunkAck::setMore)) {
                a.getMore().forEach(m -> m.setJob("")); // the record's (its key and its first ack's)
                context.forward(record.withKey((Object) e.getKey()).withValue((Object) a), DedupTopology.SINK_ACKS);
            }
        }
        acks.clear();
    }

    /** The state of an id, with lists that can be changed in place (Avro's decoded arrays cannot). */
    private ChunkState load(Bytes id) {
        ChunkState state = store.get(id);
        if (state != null) {
            List<Waiter> waiters = new ArrayList<>(state.getWaiters().size());
            for (Waiter w : state.getWaiters()) {
                waiters.add(new Waiter(w.getJob(), w.getCount(), new ArrayList<>(w.getSources())));
            }
            state.setWaiters(waiters);
        }
        return state;
    }

    private void onChunk(byte[] key, ChunkRecord chunk) {
        Bytes id = Bytes.wrap(key);
        ChunkState state = load(id);
        long now = context.currentSystemTimeMs();
        (state == null ? meters.fresh : meters.known).increment();
        if (state == null) {
            long generation = ThreadLocalRandom.current().nextLong() | 1; // never 0, the seeder's
            UploadRequest request = new UploadRequest(chunk.getId(), chunk.getJob(), chunk.getSource(), 0, generation,
                    List.of());
            List<Waiter> waiters = new ArrayList<>();
            waiters.add(new Waiter(chunk.getJob(), 1, new ArrayList<>(List.of(chunk.getSource()))));
            state = new ChunkState(ChunkStatus.PENDING, now, 1, null, waiters, null, generation);
            store.put(id, state);
            pending.put(pendingKey(now, key), EMPTY);
            uploads.add(request);
        } else if (state.getStatus() == ChunkStatus.STORED) {
            ack(chunk.getJob(), chunk.getId(), AckStatus.STORED, 1, 0, null, null, "");
        } else {
            addWaiter(state, chunk);
            store.put(id, state);
        }
    }

    private void addWaiter(ChunkState state, ChunkRecord chunk) {
        for (Waiter w : state.getWaiters()) {
            if (w.getJob().equals(chunk.getJob())) {
                w.setCount(w.getCount() + 1);
                if (w.getSources().size() < settings.maxSourcesPerJob()) {
                    w.getSources().add(chunk.getSource());
                }
                return;
            }
        }
        state.getWaiters().add(new Waiter(chunk.getJob(), 1, new ArrayList<>(List.of(chunk.getSource()))));
    }

    private void onStored(byte[] key, ChunkStored stored) {
        Bytes id = Bytes.wrap(key);
        ChunkState state = load(id);
        long now = context.currentSystemTimeMs();
        if (stored.getGeneration() != 0 && (state == null || state.getGeneration() != stored.getGeneration())) {
            // An upload asked for before this id was forgotten (or of a state that is gone): its pack
            // may be one garbage collection deletes, so it must not make the id stored (docs/gc.md).
            return;
        }
        if (stored.getStatus() == StoreStatus.STORED) {
            if (state != null && state.getStatus() == ChunkStatus.STORED) {
                return;
            }
            if (state != null) {
                String payer = payer(state);
                for (Waiter w : state.getWaiters()) {
                    boolean pays = w.getJob().equals(payer);
                    ack(w.getJob(), stored.getId(), AckStatus.STORED, w.getCount(),
                            pays ? stored.getLength() : 0, null, null, pays ? stored.getWorker() : "");
                }
                pending.delete(pendingKey(state.getSinceMs(), key));
            }
            store.put(id, new ChunkState(ChunkStatus.STORED, now, state == null ? 0 : state.getAttempts(), null,
                    new ArrayList<>(), stored.getPack(), state == null ? 0 : state.getGeneration()));
            return;
        }
        if (state == null || state.getStatus() == ChunkStatus.STORED) {
            return;
        }
        onUnreadable(key, id, state, stored, now);
    }

    /** The job whose request caused the upload pays its bytes; if it stopped waiting, the first waiter. */
    private static String payer(ChunkState state) {
        UploadRequest request = request(state, null);
        String requester = request == null ? null : request.getJob();
        for (Waiter w : state.getWaiters()) {
            if (w.getJob().equals(requester)) {
                return requester;
            }
        }
        return state.getWaiters().isEmpty() ? null : state.getWaiters().get(0).getJob();
    }

    private void onUnreadable(byte[] key, Bytes id, ChunkState state, ChunkStored stored, long now) {
        ChunkSource bad = stored.getSource();
        String reason = stored.getError() == null ? stored.getStatus().name().toLowerCase() : stored.getError();
        // The reference that came from the bad source fails; its job reads the file again.
        for (Iterator<Waiter> it = state.getWaiters().iterator(); it.hasNext();) {
            Waiter w = it.next();
            if (bad != null && w.getSources().removeIf(s -> sameSource(s, bad))) {
                ack(w.getJob(), stored.getId(), AckStatus.FAILED, 1, 0, bad, reason, "");
                w.setCount(w.getCount() - 1);
                if (w.getCount() <= 0) {
                    it.remove();
                }
                break;
            }
        }
        pending.delete(pendingKey(state.getSinceMs(), key));
        List<Waiter> waiters = state.getWaiters();
        int next = 0;
        while (next < waiters.size() && waiters.get(next).getSources().isEmpty()) {
            next++;
        }
        if (next == waiters.size()) {
            // Nobody left who can supply the bytes: every remaining reference fails.
            for (Waiter w : waiters) {
                ack(w.getJob(), stored.getId(), AckStatus.FAILED, w.getCount(), 0, null, reason, "");
            }
            store.delete(id);
            return;
        }
        // The next source's waiter goes first, so that request() derives this request until the next
        // one: a waiter before it whose sources all failed, and that is given a new one later, must
        // not become it.
        waiters.add(0, waiters.remove(next));
        state.setRequest(null);
        state.setAttempts(state.getAttempts() + 1);
        state.setSinceMs(now);
        store.put(id, state);
        pending.put(pendingKey(now, key), EMPTY);
        uploads.add(request(state, stored.getId()));
    }

    private static boolean sameSource(ChunkSource a, ChunkSource b) {
        return a.getOffset() == b.getOffset() && a.getPart() == b.getPart() && a.getAttempt() == b.getAttempt()
                && a.getPath().equals(b.getPath());
    }

    /**
     * Garbage collection: FORGET drops the state of stored ids, so their next sighting uploads them
     * again; an id whose upload is in progress (PENDING) is kept and reported SPARED, since the
     * pack it is being written into may be one the collector listed. MARKER is answered when every
     * earlier request of the partition is done (records of one partition are processed in order).
     */
    private void onGc(Record<byte[], byte[]> record, GcRequest request) {
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(request.getPartition());
        if (request.getAction() == GcAction.MARKER) {
            gcReply(record, request.getRun(), GcReplyKind.MARKER_DONE, partition, List.of());
            // The answer is visible (read committed) only once this task commits: now, not at the next
            // commit interval, which the waiting collector would add to its time.
            context.commit();
            return;
        }
        List<ByteBuffer> spared = new ArrayList<>();
        for (ByteBuffer b : request.getIds()) {
            byte[] idBytes = new byte[b.remaining()];
            b.duplicate().get(idBytes);
            Bytes id = Bytes.wrap(idBytes);
            ChunkState state = store.get(id);
            if (state == null) {
                continue;
            }
            if (state.getStatus() == ChunkStatus.PENDING) {
                spared.add(ByteBuffer.wrap(idBytes));
            } else {
                store.delete(id);
            }
        }
        if (!spared.isEmpty()) {
            gcReply(record, request.getRun(), GcReplyKind.SPARED, partition, spared);
        }
    }

    private void gcReply(Record<byte[], byte[]> record, String run, GcReplyKind kind, int partition,
            List<ByteBuffer> ids) {
        GcReply reply = new GcReply(run, kind, partition, ids);
        context.forward(record.withKey((Object) run).withValue((Object) reply), DedupTopology.SINK_GC);
    }

    private void forget(Bytes id) {
        ChunkState state = store.get(id);
        if (state == null) {
            return;
        }
        if (state.getStatus() == ChunkStatus.PENDING) {
            return; // a pending chunk is in use by a running job: garbage collection must not forget it
        }
        store.delete(id);
    }

    private void reissueExpired(long now) {
        long cutoff = now - settings.pendingTimeoutMs();
        if (cutoff <= 0) {
            return;
        }
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = pending.range(Bytes.wrap(new byte[8]), pendingKey(cutoff, new byte[0]))) {
            while (it.hasNext() && due.size() < MAX_REISSUE_PER_PUNCTUATION) {
                due.add(it.next().key);
            }
        }
        for (Bytes key : due) {
            pending.delete(key);
            byte[] k = key.get();
            long since = ByteBuffer.wrap(k).getLong();
            byte[] idBytes = Arrays.copyOfRange(k, 8, k.length);
            Bytes id = Bytes.wrap(idBytes);
            ChunkState state = store.get(id);
            // An entry of a state that changed since (or of a processing that failed and was undone) is dropped.
            UploadRequest old = state == null || state.getStatus() != ChunkStatus.PENDING || state.getSinceMs() != since
                    ? null : request(state, ByteBuffer.wrap(idBytes));
            if (old == null) {
                continue;
            }
            UploadRequest request = new UploadRequest(old.getId(), old.getJob(), old.getSource(), state.getAttempts(),
                    state.getGeneration(), List.of());
            state.setRequest(null);
            state.setAttempts(state.getAttempts() + 1);
            state.setSinceMs(now);
            store.put(id, state);
            pending.put(pendingKey(now, idBytes), EMPTY);
            context.forward(new Record<Object, Object>(idBytes, request, now), DedupTopology.SINK_UPLOADS);
        }
    }

    /**
     * One step of the scan of the store for its pending chunks, which a store restored from its
     * changelog (a restart, a task moved here) holds and this processor's index does not.
     */
    private void scanStep(long now) {
        int read = 0;
        try (KeyValueIterator<Bytes, ChunkState> it = store.range(scanFrom, null)) {
            while (it.hasNext()) {
                KeyValue<Bytes, ChunkState> kv = it.next();
                if (read++ == SCAN_STEP) {
                    scanFrom = kv.key;
                    return;
                }
                if (kv.value.getStatus() == ChunkStatus.PENDING) {
                    pending.put(pendingKey(kv.value.getSinceMs(), kv.key.get()), EMPTY);
                    scanFound++;
                }
            }
        }
        scan = Punctuations.cancel(scan);
        if (scanFound > 0) {
            LOG.info("dedup: {} chunks found pending by the scan of the chunk states", scanFound);
        }
    }

    @Override
    public void close() {
        scan = Punctuations.cancel(scan);
        reissue = Punctuations.cancel(reissue);
    }

    /**
     * The upload request a PENDING state stands for. The state does not keep it (it would hold its
     * source a second time): it is the first source of the first waiter, which is where every request
     * is made from (the first sighting's, or, after a source failed, the next one, whose waiter is
     * moved first), with the state's generation and the attempt before its count. Later sightings
     * add sources after it or waiters after it, so it stays the same until the next request. A state
     * written by an earlier version keeps its request. Null when no waiter has a source left.
     */
    private static UploadRequest request(ChunkState state, ByteBuffer id) {
        if (state.getRequest() != null) {
            return state.getRequest();
        }
        for (Waiter w : state.getWaiters()) {
            if (!w.getSources().isEmpty()) {
                return new UploadRequest(id, w.getJob(), w.getSources().get(0), Math.max(0, state.getAttempts() - 1),
                        state.getGeneration(), List.of());
            }
        }
        return null;
    }

    /** Adds an acknowledgement for {@link #flush} to send. */
    private void ack(String job, ByteBuffer id, AckStatus status, int count, long bytesAdded, ChunkSource source,
            String error, String worker) {
        acks.computeIfAbsent(job, j -> new ArrayList<>())
                .add(new ChunkAck(job, id, status, count, bytesAdded, source, error, worker, new ArrayList<>()));
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, String reason) {
        var meta = context.recordMetadata();
        int partition = meta.map(m -> m.partition()).orElse(-1);
        long offset = meta.map(m -> m.offset()).orElse(-1L);
        context.forward(record.withValue((Object) DeadLetters.of(topic, partition, offset, record.key(),
                record.value(), reason, "dedup")).withKey((Object) record.key()), DedupTopology.SINK_DEAD);
    }

    /** 8-byte big-endian time, then the chunk id: a range scan up to a time finds what is due. */
    static Bytes pendingKey(long timeMs, byte[] id) {
        byte[] k = new byte[8 + id.length];
        ByteBuffer.wrap(k).putLong(timeMs);
        System.arraycopy(id, 0, k, 8, id.length);
        return Bytes.wrap(k);
    }
}
