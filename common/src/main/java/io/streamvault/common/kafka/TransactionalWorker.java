package io.streamvault.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.metrics.Meters;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-process-produce loop of the plain-consumer roles (scanner, chunker, uploader), with
 * Kafka transactions: what a handler emits and the input offsets it consumed commit together, or
 * not at all. On a transient failure the transaction is aborted, the handler's state reset and the
 * input rewound to the last committed offsets; a record that cannot be deserialized goes to the
 * dead-letter topic; a fatal error stops the worker and is reported to the {@link WorkerListener}.
 */
public final class TransactionalWorker<V> implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalWorker.class);

    /** The longest a poll waits for input. */
    public static final long POLL_MS = 200;

    /** What a role does with each input record. */
    public interface Handler<V> {
        /** Processes one record; may emit records through {@code out}. */
        void handle(ConsumerRecord<byte[], byte[]> raw, V value, Emitter out) throws Exception;

        /**
         * Called after each poll ({@code idle} when it returned nothing). Returns true when
         * everything handled so far may be committed. Handlers that batch (the uploader) emit here.
         */
        default boolean checkpoint(Emitter out, boolean idle) throws Exception {
            return true;
        }

        /**
         * How long the next poll may wait for input, in milliseconds. A handler holding output it
         * will emit once time passes or a background write ends (the uploader's open pack and the
         * packs being written) asks for short polls, so that {@link #checkpoint} sees it soon.
         */
        default long pollMs() {
            return POLL_MS;
        }

        /**
         * Asked after each record: true when what was handled so far must be committed now, before
         * the rest of the batch (the uploader, right after it wrote a pack, so that a crash loses at
         * most the pack being written).
         */
        default boolean commitNow() {
            return false;
        }

        /**
         * The input offsets that may be committed now, given those of every record handled so far:
         * all of them, unless the handler still holds records whose output is not durable yet (the
         * uploader, while packs are being written). Never more than {@code handled}.
         */
        default Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> handled) {
            return handled;
        }

        /** Makes everything handled so far committable (before a rebalance or shutdown). */
        default void flush(Emitter out) throws Exception {
        }

        /** Forgets everything handled since the last commit: the input will be delivered again. */
        default void reset() {
        }

        /**
         * The group's committed offsets, metadata included, of partitions whose input was just
         * positioned at them (an assignment, or a rewind after a failure). A handler that commits a
         * record's own offset with metadata saying how much of it is done (through {@link #committable})
         * learns here what to skip when that record comes again.
         */
        default void resume(Map<TopicPartition, OffsetAndMetadata> committed) {
        }

        /**
         * True when {@link #resume} is of use to this handler. Only then does an assignment read the
         * group's committed offsets (one more request, which waits while a transaction is open on them).
         */
        default boolean resumes() {
            return false;
        }
    }

    /** How often an idle worker checks that the offsets it committed are still the group's. */
    static final long UNDONE_CHECK_MS = 10_000;

    /**
     * @param name worker name for logs and the listener
     * @param batchBudgetMs after this long in one batch, the rest of the batch is left for the next poll
     * @param undoneCheckMs how often an idle worker checks that its commits still stand
     */
    public record Settings(String name, String groupId, String transactionalId, int maxPollRecords,
            long batchBudgetMs, long undoneCheckMs) {
        public Settings(String name, String groupId, String transactionalId, int maxPollRecords, long batchBudgetMs) {
            this(name, groupId, transactionalId, maxPollRecords, batchBudgetMs, UNDONE_CHECK_MS);
        }
    }

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final TopicSpec<?, V> input;
    private final Handler<V> handler;
    private final DeadLetterSink deadLetters;
    private final WorkerListener listener;
    private final Settings settings;
    private final MeterRegistry meters;
    private final String role;
    private final Counter retries;
    /** At most this many fenced producers are replaced within {@link #FENCE_WINDOW_MS}; then the worker stops. */
    static final int MAX_FENCES = 3;
    static final long FENCE_WINDOW_MS = 10 * 60_000L;
    /** When this worker's producer was last fenced, within the window. */
    private final ArrayDeque<Long> fences = new ArrayDeque<>();
    /** Run after each rebalance: a member may have died with a transaction open. */
    private Runnable rebalanced = () -> { };
    /** Kafka's own metrics of the consumer, while it is open. */
    private AutoCloseable consumerMeters = () -> { };
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Serializer<Object>> keySerializers = new HashMap<>();
    private final Map<String, Serializer<Object>> valueSerializers = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    /**
     * The offsets this worker last committed, per partition, since it last rewound or was assigned
     * partitions: a handler whose committable offsets stand still (an uploader while its pack is
     * written) asks for no transaction that would only commit them again.
     */
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    /** When {@link #rewindIfUndone} last asked the group for its offsets. */
    private long lastUndoneCheckMs;
    private final Deserializer<V> valueDeserializer;
    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private boolean inTransaction;
    /** Transactions committed: progress, which is what ends a run of failures. */
    private long commits;
    private volatile Thread thread;

    /**
     * @param meters where the worker counts its retries and its consumer's Kafka metrics, tagged with
     *     {@code role} (docs/metrics.md)
     */
    public TransactionalWorker(KafkaProps props, TopicSpec<?, V> input, Handler<V> handler,
            DeadLetterSink deadLetters, WorkerListener listener, Settings settings, MeterRegistry meters, String role) {
        this(() -> new KafkaProducer<>(props.transactionalProducer(settings.transactionalId())),
                () -> new KafkaConsumer<>(props.consumer(settings.groupId(), settings.name(), settings.maxPollRecords())),
                input, handler, deadLetters, listener, settings, meters, role);
        OrphanTransactions.Group group = OrphanTransactions.Group.workers(settings.groupId());
        this.rebalanced = () -> props.orphans().sweepSoon(group);
    }

    /** With the clients made by {@code producers} and {@code consumers} when the loop starts (tests give mock clients). */
    TransactionalWorker(Supplier<Producer<byte[], byte[]>> producers, Supplier<Consumer<byte[], byte[]>> consumers,
            TopicSpec<?, V> input, Handler<V> handler, DeadLetterSink deadLetters, WorkerListener listener,
            Settings settings, MeterRegistry meters, String role) {
        this.meters = meters;
        this.role = role;
        this.retries = retries(meters, role);
        this.producers = producers;
        this.consumers = consumers;
        this.input = input;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.settings = settings;
        this.valueDeserializer = input.valueSerde().deserializer();
    }

    public String name() {
        return settings.name();
    }

    /** {@code streamvault_worker_retries_total{role}}: how often the role's workers rewound after a transient failure. */
    public static Counter retries(MeterRegistry meters, String role) {
        return Counter.builder("streamvault.worker.retries").description("Transient failures after which a worker of the"
                + " role rewound to its last commit and tried again.").tag("role", role).register(meters);
    }

    /** Asks the loop to finish its batch, commit, and return. */
    public void stop() {
        running.set(false);
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    public void join(Duration timeout) throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join(timeout.toMillis());
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long failingSince = 0;
        int failures = 0;
        try {
            producer = producers.get();
            consumer = consumers.get();
            consumerMeters = Meters.kafka(meters, consumer, role);
            initTransactions();
            consumer.subscribe(List.of(input.name()), new Rebalance());
            Emitter out = new TxEmitter();
            while (running.get()) {
                try {
                    long wait = Math.max(0, Math.min(POLL_MS, handler.pollMs()));
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
                    long before = commits;
                    process(records, out);
                    if (handler.checkpoint(out, records.isEmpty())) {
                        commit();
                    }
                    if (records.isEmpty()) {
                        rewindIfUndone();
                    }
                    // Recovered only on real progress: a commit, or nothing left to do. A loop turn that
                    // merely did not fail (records re-read after a rewind, the batch not yet written)
                    // proves nothing, and must not reset the retry clock of a backup whose storage is away.
                    if (failures > 0 && (commits > before || (records.isEmpty() && caughtUp()))) {
                        failures = 0;
                        failingSince = 0;
                        listener.recovered(settings.name());
                    }
                } catch (WakeupException | InterruptException e) {
                    break;
                } catch (StreamVaultException e) {
                    if (!e.retryable()) {
                        throw e;
                    }
                    failingSince = failingSince == 0 ? System.currentTimeMillis() : failingSince;
                    recover(e, ++failures, failingSince);
                } catch (KafkaException e) {
                    failingSince = failingSince == 0 ? System.currentTimeMillis() : failingSince;
                    if (fenced(e)) {
                        replaceProducer(e);
                    }
                    recover(e, ++failures, failingSince);
                }
            }
            finish(out);
        } catch (ProducerFencedException e) { // while initialising: another process holds this slot's id
            LOG.warn("{}: another process took over this worker's transactional id; stopping", settings.name());
            listener.failed(settings.name(), e);
        } catch (Exception e) {
            LOG.error("{}: stopped: {}", settings.name(), e.toString());
            abortQuietly();
            listener.failed(settings.name(), e);
        } finally {
            closeClients();
            if (handler instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("{}: closing the handler: {}", settings.name(), e.toString());
                }
            }
        }
    }

    /**
     * True when this worker's producer was fenced: another process initialised its transactional id
     * ({@link OrphanTransactions} ending the transaction of a member its group had dropped: this one,
     * paused for longer than the session timeout), or the broker aborted a transaction that outlived
     * {@code transaction.timeout.ms}.
     */
    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A fenced producer cannot be used again: a new one, with the same transactional id; the input
     * is then redone from the last commit. More than {@link #MAX_FENCES} fences within
     * {@link #FENCE_WINDOW_MS} mean another live process holds the same transactional id (two
     * processes given one instance id): they would take it from each other for ever, so the worker
     * stops and says so, as it did on every fence before.
     */
    private void replaceProducer(KafkaException cause) throws InterruptedException {
        long now = System.currentTimeMillis();
        fences.addLast(now);
        while (fences.peekFirst() < now - FENCE_WINDOW_MS) {
            fences.removeFirst();
        }
        if (fences.size() > MAX_FENCES) {
            throw new FatalException(ErrorCode.INTERNAL, settings.name() + ": its transactional id "
                    + settings.transactionalId() + " was taken over " + fences.size() + " times within "
                    + FENCE_WINDOW_MS / 60_000 + " minutes: is another process running with the same instance id?");
        }
        LOG.warn("{}: its transaction was ended from outside ({}): another process took this worker for gone, or"
                + " the transaction outlived transaction.timeout.ms; starting again from the last commit",
                settings.name(), cause.toString());
        inTransaction = false;
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException e) {
            LOG.debug("{}: closing the fenced producer: {}", settings.name(), e.toString());
        }
        producer = producers.get();
        initTransactions();
    }

    private void initTransactions() throws InterruptedException {
        boolean retried = false;
        while (running.get()) {
            try {
                producer.initTransactions();
                if (retried) {
                    listener.recovered(settings.name());
                }
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                listener.retrying(settings.name(), e, System.currentTimeMillis());
                retried = true;
                Thread.sleep(1000);
            }
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> records, Emitter out) throws Exception {
        if (records.isEmpty()) {
            return;
        }
        long deadline = System.currentTimeMillis() + settings.batchBudgetMs();
        boolean overBudget = false;
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                if (overBudget || System.currentTimeMillis() > deadline) {
                    overBudget = true;
                    consumer.seek(tp, r.offset());
                    break;
                }
                V value;
                try {
                    value = valueDeserializer.deserialize(r.topic(), r.value());
                } catch (SerializationException e) {
                    deadLetters.publish(out, settings.name(), r, e.getMessage());
                    pending.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    continue;
                }
                handler.handle(r, value, out);
                pending.put(tp, new OffsetAndMetadata(r.offset() + 1));
                if (handler.commitNow()) {
                    commit();
                }
            }
        }
    }

    /** Commits what was handled and emitted; true when there was something to commit. */
    private boolean commit() {
        if (pending.isEmpty() && !inTransaction) {
            return false;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(handler.committable(new HashMap<>(pending)));
        // (The same offset again with other metadata is progress: more of that record is done.)
        offsets.entrySet().removeIf(e -> committed.containsKey(e.getKey())
                && (committed.get(e.getKey()).offset() > e.getValue().offset()
                        || committed.get(e.getKey()).equals(e.getValue())));
        if (offsets.isEmpty() && !inTransaction) {
            return false;
        }
        begin();
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        }
        producer.commitTransaction();
        inTransaction = false;
        committed.putAll(offsets);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            pending.computeIfPresent(e.getKey(), (tp, o) -> o.offset() <= e.getValue().offset() ? null : o);
        }
        commits++;
        return true;
    }

    /**
     * True when nothing is left to do: nothing uncommitted here, and every assigned partition read to
     * its end (the last stable offset). Right after a rewind the position is back at the last commit,
     * below the end while records wait to be read again, so this is false until they are redone.
     * (Committed offsets cannot be compared with the end: transaction markers sit after the last record.)
     */
    private boolean caughtUp() {
        if (!pending.isEmpty() || inTransaction) {
            return false;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> e : consumer.endOffsets(assigned, Duration.ofSeconds(5)).entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(5)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void begin() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    private void recover(Exception e, int failures, long since) throws InterruptedException {
        LOG.warn("{}: {} (attempt {}); rewinding to the last commit", settings.name(), e.toString(), failures);
        retries.increment();
        listener.retrying(settings.name(), e, since);
        abortQuietly();
        handler.reset();
        pending.clear();
        committed.clear();
        rewind(consumer.assignment());
        long backoff = Math.min(30_000L, 250L << Math.min(failures, 7));
        Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
    }

    /**
     * While idle, now and then: when the group's offsets of a partition are below what this worker
     * last committed there, a transaction it committed was ended from outside afterwards (a broker's
     * hanging transaction aborted, docs/reliability.md) and its work is gone. The worker then goes
     * back to the group's offsets and does it again, as after a fence; without this, an idle worker
     * would notice only with its next record.
     */
    private void rewindIfUndone() {
        long now = System.currentTimeMillis();
        if (committed.isEmpty() || !pending.isEmpty() || inTransaction || now - lastUndoneCheckMs < settings.undoneCheckMs()) {
            return;
        }
        lastUndoneCheckMs = now;
        Map<TopicPartition, OffsetAndMetadata> stored;
        try {
            stored = consumer.committed(new HashSet<>(committed.keySet()), Duration.ofSeconds(5));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return; // offsets not stable yet (a transaction still open on them): asked again next time
        }
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            OffsetAndMetadata s = stored.get(e.getKey());
            // (The same offset with other metadata too: a record's done part, Handler.resume, moved back.)
            if (s == null || s.offset() < e.getValue().offset()
                    || (s.offset() == e.getValue().offset() && !s.metadata().equals(e.getValue().metadata()))) {
                LOG.warn("{}: the group's offset of {} is {}, below the {} this worker committed: its transaction was"
                        + " ended from outside after it committed; starting again from the group's offsets",
                        settings.name(), e.getKey(), s == null ? "unset" : s.offset(), e.getValue().offset());
                handler.reset();
                committed.clear();
                rewind(consumer.assignment());
                return;
            }
        }
    }

    private void rewind(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null) {
                consumer.seek(tp, o.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        resume(committed);
    }

    /** Tells the handler the committed offsets the input now starts at (those of partitions that have one). */
    private void resume(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<TopicPartition, OffsetAndMetadata> at = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                at.put(tp, o);
            }
        });
        handler.resume(at);
    }

    private void abortQuietly() {
        if (inTransaction && producer != null) {
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                LOG.debug("{}: abort failed: {}", settings.name(), e.toString());
            }
        }
        inTransaction = false;
    }

    private void finish(Emitter out) {
        try {
            handler.flush(out);
            commit();
        } catch (Exception e) {
            LOG.warn("{}: could not commit on shutdown ({}); the work will be redone", settings.name(), e.toString());
            abortQuietly();
        }
    }

    private void closeClients() {
        try {
            consumerMeters.close();
        } catch (Exception e) {
            LOG.debug("{}: closing the consumer's meters: {}", settings.name(), e.toString());
        }
        if (consumer != null) {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (Exception e) {
                LOG.debug("{}: consumer close: {}", settings.name(), e.toString());
            }
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (Exception e) {
                LOG.debug("{}: producer close: {}", settings.name(), e.toString());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private final class TxEmitter implements Emitter {
        @Override
        public <K, W> void send(TopicSpec<K, W> topic, K key, W value) {
            begin();
            Serializer<Object> ks = keySerializers.computeIfAbsent(topic.name(),
                    n -> (Serializer<Object>) topic.keySerde().serializer());
            Serializer<Object> vs = valueSerializers.computeIfAbsent(topic.name(),
                    n -> (Serializer<Object>) topic.valueSerde().serializer());
            producer.send(new ProducerRecord<>(topic.name(), ks.serialize(topic.name(), key),
                    vs.serialize(topic.name(), value)));
        }

        @Override
        public int partitions(TopicSpec<?, ?> topic) {
            return producer.partitionsFor(topic.name()).size(); // the producer's metadata, which its sends use
        }

        @Override
        public void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
            deadLetters.publish(this, settings.name(), record, reason);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || (pending.isEmpty() && !inTransaction)) {
                return;
            }
            try {
                handler.flush(new TxEmitter());
                commit();
            } catch (Exception e) {
                LOG.warn("{}: could not commit before a rebalance ({}); the work will be redone", settings.name(),
                        e.toString());
                abortQuietly();
                handler.reset();
                pending.clear();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            abortQuietly();
            handler.reset();
            pending.clear();
            committed.clear();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            committed.clear();
            try {
                if (!partitions.isEmpty() && handler.resumes()) {
                    // The input starts at these offsets; the handler learns their metadata (see Handler.resume).
                    resume(consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(10)));
                }
            } catch (RuntimeException e) {
                // only what a record's metadata would have spared is done again
                LOG.debug("{}: the committed offsets were not read at the assignment: {}", settings.name(), e.toString());
            } finally {
                rebalanced.run();
            }
        }
    }
}
