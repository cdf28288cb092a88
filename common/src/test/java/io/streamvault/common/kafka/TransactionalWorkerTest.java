package io.streamvault.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exactly-once loop on Kafka's mock clients: a one-partition log read by a {@link MockConsumer}
 * that reads it again from wherever it is sought to, and a transactional {@link MockProducer} that,
 * as the broker does, commits a transaction's consumer offsets with its records (or neither).
 * The handler upper-cases each input value to the output topic.
 */
class TransactionalWorkerTest {
    private static final String INPUT = "in";
    private static final TopicPartition TP = new TopicPartition(INPUT, 0);
    /** Values are UTF-8 text; other bytes cannot be decoded. */
    private static final TopicSpec<byte[], String> IN = new TopicSpec<>(INPUT, 1, (short) 1, Map.of(),
            Serdes.ByteArray(), Serdes.serdeFrom(new StringSerializer(), new StrictUtf8()));
    private static final TopicSpec<byte[], String> OUT = new TopicSpec<>("out", 1, (short) 1, Map.of(),
            Serdes.ByteArray(), Serdes.String());
    private static final TopicSpec<String, String> DEAD = new TopicSpec<>("dead", 1, (short) 1, Map.of(),
            Serdes.String(), Serdes.String());
    private static final DeadLetterSink DEAD_LETTERS = (out, processor, record, reason) ->
            out.send(DEAD, processor, "offset " + record.offset() + ": " + reason);

    private final Log consumer = new Log(2);
    private final Broker producer = new Broker(consumer);
    private final Upper handler = new Upper();
    /** The producer a "fence" record fences: another process takes its transactional id. */
    private final AtomicReference<Broker> fenceTarget = new AtomicReference<>(producer);
    private final Events listener = new Events();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TransactionalWorker<String> worker = new TransactionalWorker<>(() -> producer, () -> consumer, IN,
            handler, DEAD_LETTERS, listener, new TransactionalWorker.Settings("worker-0", "group", "group.test.0", 100,
                    5_000), meters, "upper");
    private final Thread thread = new Thread(worker, "worker-0");

    /** A UTF-8 deserializer that refuses malformed input, as a schema-checked deserializer refuses a bad record. */
    static final class StrictUtf8 implements Deserializer<String> {
        @Override
        public String deserialize(String topic, byte[] data) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(data)).toString();
            } catch (CharacterCodingException e) {
                throw new SerializationException("not UTF-8: " + e);
            }
        }
    }

    /**
     * The input partition. {@link MockConsumer} hands out each record added to it once; this one
     * adds, before each poll, up to {@code batch} records of the log from the consumer's position,
     * so that a seek back delivers them again, as a broker would.
     */
    static final class Log extends MockConsumer<byte[], byte[]> {
        private final List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        private final int batch;

        Log(int batch) {
            super("earliest");
            this.batch = batch;
            updateBeginningOffsets(Map.of(TP, 0L));
            updateEndOffsets(Map.of(TP, 0L));
            schedulePollTask(() -> rebalance(List.of(TP)));
        }

        synchronized void append(byte[]... values) {
            for (byte[] v : values) {
                log.add(new ConsumerRecord<>(INPUT, 0, log.size(), ("k" + log.size()).getBytes(StandardCharsets.UTF_8), v));
            }
            updateEndOffsets(Map.of(TP, (long) log.size()));
        }

        synchronized void append(String... values) {
            for (String v : values) {
                append(v.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            feed();
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(Math.min(5, timeout.toMillis())); // a real poll waits for input
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(e);
                }
            }
            return records;
        }

        private synchronized void feed() {
            if (!assignment().contains(TP)) {
                return;
            }
            long from = position(TP);
            for (long o = from; o < Math.min(log.size(), from + batch); o++) {
                addRecord(log.get((int) o));
            }
        }
    }

    /** One committed transaction: the records it emitted and the input offsets it committed. */
    record Transaction(List<String> values, Map<TopicPartition, Long> offsets) {
    }

    /**
     * The transactional producer, and the broker's side of a commit: a transaction's offsets are
     * committed for the consumer's group together with its records, or (commit failed, aborted)
     * neither is.
     */
    static final class Broker extends MockProducer<byte[], byte[]> {
        final List<Transaction> committed = new CopyOnWriteArrayList<>();
        final List<List<String>> aborted = new CopyOnWriteArrayList<>();
        private final Log consumer;

        Broker(Log consumer) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.consumer = consumer;
        }

        @Override
        public void commitTransaction() {
            List<String> values = values(uncommittedRecords());
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            uncommittedOffsets().values().forEach(offsets::putAll);
            super.commitTransaction(); // throws when told to fail: then nothing is committed
            consumer.commitSync(offsets);
            Map<TopicPartition, Long> plain = new HashMap<>();
            offsets.forEach((tp, o) -> plain.put(tp, o.offset()));
            committed.add(new Transaction(values, plain));
        }

        @Override
        public void abortTransaction() {
            List<String> values = values(uncommittedRecords());
            super.abortTransaction();
            aborted.add(values);
        }

        /** The committed input offset, or 0. */
        long committedOffset() {
            long o = 0;
            for (Transaction t : committed) {
                o = Math.max(o, t.offsets().getOrDefault(TP, 0L));
            }
            return o;
        }

        /** Every record of the output topics that is committed, in order. */
        List<String> output() {
            return values(history());
        }

        private static List<String> values(List<ProducerRecord<byte[], byte[]>> records) {
            List<String> values = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                values.add(r.topic() + ":" + new String(r.value(), StandardCharsets.UTF_8));
            }
            return values;
        }
    }

    /**
     * Upper-cases each value to OUT. "fatal" cannot be processed; "fence" is where another process
     * fences this one; "quiet" sends nothing. Offsets past {@link #holdAt} are not committable yet
     * (as an uploader's while their pack is written).
     */
    final class Upper implements TransactionalWorker.Handler<String> {
        final List<String> handled = new CopyOnWriteArrayList<>();
        final AtomicInteger resets = new AtomicInteger();
        final List<Map<TopicPartition, OffsetAndMetadata>> resumed = new CopyOnWriteArrayList<>();
        volatile long holdAt = Long.MAX_VALUE;
        /** The metadata of a held offset: how much of the record there is done, as an uploader says it. */
        volatile String holdDone = "";

        @Override
        public Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> handled) {
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            handled.forEach((tp, o) -> out.put(tp, o.offset() <= holdAt ? new OffsetAndMetadata(o.offset())
                    : new OffsetAndMetadata(holdAt, holdDone)));
            return out;
        }

        @Override
        public boolean resumes() {
            return true;
        }

        @Override
        public void resume(Map<TopicPartition, OffsetAndMetadata> committed) {
            resumed.add(committed);
        }

        @Override
        public void handle(ConsumerRecord<byte[], byte[]> raw, String value, Emitter out) {
            handled.add(value);
            switch (value) {
                case "fatal" -> throw new FatalException(ErrorCode.INTERNAL, "this record cannot be processed");
                case "fence" -> {
                    Broker b = fenceTarget.get();
                    if (!b.closed()) {
                        b.fenceProducer(); // not again once this producer is replaced
                    }
                }
                case "quiet" -> { }
                default -> out.send(OUT, raw.key(), value.toUpperCase(Locale.ROOT));
            }
        }

        @Override
        public void reset() {
            resets.incrementAndGet();
        }
    }

    /** What the worker reported, in order. */
    static final class Events implements WorkerListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Exception> errors = new CopyOnWriteArrayList<>();
        volatile Runnable onRetry = () -> { };

        @Override
        public void retrying(String worker, Exception error, long sinceMs) {
            events.add("retrying " + worker);
            errors.add(error);
            onRetry.run();
        }

        @Override
        public void recovered(String worker) {
            events.add("recovered " + worker);
        }

        @Override
        public void failed(String worker, Exception error) {
            events.add("failed " + worker);
            errors.add(error);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private void stop() throws InterruptedException {
        worker.stop();
        thread.join(20_000);
        assertFalse(thread.isAlive(), "the worker stopped");
    }

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (thread.isAlive()) {
            worker.stop();
            thread.join(20_000);
        }
    }

    @Test
    void recordsEmittedAndTheInputOffsetsTheyAnswerCommitTogether() throws InterruptedException {
        consumer.append("a", "b", "c", "d", "e");
        thread.start();
        await(() -> producer.committedOffset() == 5, "all five inputs are committed");
        stop();
        assertEquals(List.of(
                new Transaction(List.of("out:A", "out:B"), Map.of(TP, 2L)),
                new Transaction(List.of("out:C", "out:D"), Map.of(TP, 4L)),
                new Transaction(List.of("out:E"), Map.of(TP, 5L))), producer.committed,
                "each poll's output commits with the offsets of exactly the inputs it answers");
        assertEquals(List.of("out:A", "out:B", "out:C", "out:D", "out:E"), producer.output());
        assertEquals(List.of(), listener.events);
        assertTrue(consumer.closed() && producer.closed(), "the clients are closed when the worker ends");
    }

    @ParameterizedTest(name = "{0} fails")
    @ValueSource(strings = {"commitTransaction", "sendOffsetsToTransaction"})
    void aFailedCommitIsAbortedRewoundAndRedoneExactlyOnce(String step) throws InterruptedException {
        thread.start();
        consumer.append("a", "b");
        await(() -> producer.committedOffset() == 2, "a and b are committed");

        // The broker fails the next commit once: the transaction holding C and D must not count.
        KafkaException failure = new KafkaException("the transaction coordinator went away");
        if (step.equals("commitTransaction")) {
            producer.commitTransactionException = failure;
            listener.onRetry = () -> producer.commitTransactionException = null;
        } else {
            producer.sendOffsetsToTransactionException = failure;
            listener.onRetry = () -> producer.sendOffsetsToTransactionException = null;
        }
        consumer.append("c", "d");
        await(() -> producer.committedOffset() == 4, "c and d are committed on the retry");
        stop();

        assertEquals(List.of("a", "b", "c", "d", "c", "d"), handler.handled,
                "rewound to the last committed offset (2): c and d again, a and b not");
        assertEquals(1, handler.resets.get(), "the handler forgot what it held");
        assertEquals(List.of(List.of("out:C", "out:D")), producer.aborted, "the failed transaction was aborted");
        assertEquals(List.of(
                new Transaction(List.of("out:A", "out:B"), Map.of(TP, 2L)),
                new Transaction(List.of("out:C", "out:D"), Map.of(TP, 4L))), producer.committed);
        assertEquals(List.of("out:A", "out:B", "out:C", "out:D"), producer.output(), "no loss, no duplicate");
        assertEquals(List.of("retrying worker-0", "recovered worker-0"), listener.events);
        assertEquals(1, meters.get("streamvault.worker.retries").tag("role", "upper").counter().count(), "the retry is counted");
        assertSame(failure, listener.errors.get(0));
    }

    @Test
    void aFatalErrorStopsTheWorkerCommitsNothingAndIsReported() throws InterruptedException {
        consumer.append("a", "fatal");
        thread.start();
        thread.join(20_000);
        assertFalse(thread.isAlive(), "the worker stopped by itself");
        assertEquals(List.of("failed worker-0"), listener.events);
        FatalException e = (FatalException) listener.errors.get(0);
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals(List.of(List.of("out:A")), producer.aborted, "A, emitted in the same transaction, is aborted");
        assertEquals(List.of(), producer.committed);
        assertEquals(List.of(), producer.output());
        assertEquals(0, handler.resets.get(), "not retried");
        assertTrue(consumer.closed() && producer.closed());
    }

    @Test
    void aFencedProducerIsReplacedAndTheWorkIsRedoneFromTheLastCommit() throws InterruptedException {
        // OrphanTransactions fences a worker its group dropped: the worker goes on with a new producer.
        List<Broker> made = new CopyOnWriteArrayList<>();
        TransactionalWorker<String> fenced = new TransactionalWorker<>(() -> {
            Broker b = made.isEmpty() ? producer : new Broker(consumer);
            made.add(b);
            return b;
        }, () -> consumer, IN, handler, DEAD_LETTERS, listener, new TransactionalWorker.Settings("worker-0", "group",
                "group.test.0", 100, 5_000), meters, "upper");
        Thread t = new Thread(fenced, "worker-0");
        consumer.append("a", "fence", "b");
        t.start();
        try {
            await(() -> made.size() == 2 && made.get(1).committedOffset() == 3, "every input is committed by the new producer");
        } finally {
            fenced.stop();
            t.join(20_000);
        }
        assertEquals(List.of(), producer.committed, "nothing of the fenced producer counts");
        assertEquals(List.of("out:A", "out:B"), made.get(1).output(), "A, aborted with the fence, is redone once");
        assertEquals(List.of("retrying worker-0", "recovered worker-0"), listener.events.subList(0, 2));
        assertTrue(listener.errors.get(0) instanceof ProducerFencedException, listener.errors.get(0).toString());
        assertTrue(producer.closed(), "the fenced producer is closed");
    }

    @Test
    void aWorkerFencedAgainAndAgainStopsAndSaysWhy() throws InterruptedException {
        // Two processes with one instance id take the transactional id from each other for ever.
        TransactionalWorker<String> fenced = new TransactionalWorker<>(() -> {
            Broker b = new Broker(consumer);
            fenceTarget.set(b);
            return b;
        }, () -> consumer, IN, handler, DEAD_LETTERS, listener, new TransactionalWorker.Settings("worker-0", "group",
                "group.test.0", 100, 5_000), meters, "upper");
        Thread t = new Thread(fenced, "worker-0");
        consumer.append("fence");
        t.start();
        t.join(30_000);
        assertFalse(t.isAlive(), "the worker stopped by itself");
        assertEquals("failed worker-0", listener.events.get(listener.events.size() - 1));
        assertEquals(TransactionalWorker.MAX_FENCES + 1, listener.events.size(), "replaced " + TransactionalWorker.MAX_FENCES
                + " times first: " + listener.events);
        FatalException e = (FatalException) listener.errors.get(listener.errors.size() - 1);
        assertTrue(e.getMessage().contains("same instance id"), e.getMessage());
    }

    @Test
    void offsetsThatStandStillAreNotCommittedAgainAtEveryPoll() throws InterruptedException {
        handler.holdAt = 1;
        consumer.append("a", "quiet", "quiet", "quiet");
        thread.start();
        await(() -> handler.handled.size() == 4 && producer.committedOffset() == 1, "all four inputs are handled");
        Thread.sleep(3 * TransactionalWorker.POLL_MS);
        stop();
        assertEquals(List.of(new Transaction(List.of("out:A"), Map.of(TP, 1L))), producer.committed,
                "one transaction: the later polls had no new offset to commit and nothing to send");
    }

    @Test
    void anIdleWorkerWhoseCommitWasUndoneFromOutsideDoesTheWorkAgain() throws InterruptedException {
        TransactionalWorker<String> quick = new TransactionalWorker<>(() -> producer, () -> consumer, IN, handler,
                DEAD_LETTERS, listener, new TransactionalWorker.Settings("worker-0", "group", "group.test.0", 100, 5_000,
                        100), meters, "upper");
        Thread t = new Thread(quick, "worker-quick");
        consumer.append("a", "b");
        t.start();
        try {
            await(() -> producer.committedOffset() == 2, "both inputs are committed");
            // A hanging transaction's abort takes the records and the offsets of a commit the worker saw succeed.
            consumer.commitSync(Map.of(TP, new OffsetAndMetadata(0)));
            await(() -> handler.handled.size() == 4, "the idle worker notices and handles both again");
            await(() -> consumer.committed(Set.of(TP)).get(TP).offset() == 2, "and commits them again");
        } finally {
            quick.stop();
            t.join(20_000);
        }
        assertEquals(List.of("a", "b", "a", "b"), handler.handled);
    }

    @Test
    void aRecordsDonePartCommitsAsMetadataAndIsHandedBackWhenTheRecordComesAgain() throws InterruptedException {
        TransactionalWorker<String> quick = new TransactionalWorker<>(() -> producer, () -> consumer, IN, handler,
                DEAD_LETTERS, listener, new TransactionalWorker.Settings("worker-0", "group", "group.test.0", 100,
                        5_000, 100), meters, "upper");
        Thread t = new Thread(quick, "worker-quick");
        handler.holdAt = 1;
        handler.holdDone = "done=1";
        consumer.append("a", "quiet");
        t.start();
        try {
            await(() -> "done=1".equals(metadata()), "record 1's own offset commits with its done part");
            handler.holdDone = "done=2";
            await(() -> "done=2".equals(metadata()), "the same offset commits again when its done part moved");
            handler.holdAt = Long.MAX_VALUE;
            await(() -> producer.committedOffset() == 2, "the record's end commits past it");
            // A hanging transaction's abort takes back the last commits: the record comes again, and the
            // handler learns what the group's offset now says is done.
            consumer.commitSync(Map.of(TP, new OffsetAndMetadata(1, "done=1")));
            await(() -> handler.handled.size() == 3, "the idle worker notices and handles record 1 again");
        } finally {
            quick.stop();
            t.join(20_000);
        }
        assertEquals(List.of("a", "quiet", "quiet"), handler.handled);
        assertEquals(Map.of(TP, new OffsetAndMetadata(1, "done=1")), handler.resumed.get(handler.resumed.size() - 1),
                "resumed at the group's offset, metadata included: " + handler.resumed);
    }

    private String metadata() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? null : o.metadata();
    }

    @Test
    void anUndecodableRecordGoesToTheDeadLettersAndIsCommittedPast() throws InterruptedException {
        consumer.append("a".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe},
                "c".getBytes(StandardCharsets.UTF_8));
        thread.start();
        await(() -> producer.committedOffset() == 3, "all three inputs are committed");
        stop();
        assertEquals(List.of("a", "c"), handler.handled, "the handler never sees the bad record");
        List<String> out = producer.output();
        assertEquals(3, out.size(), out.toString());
        assertEquals("out:A", out.get(0));
        assertTrue(out.get(1).startsWith("dead:offset 1: ") && out.get(1).contains("not UTF-8"), out.get(1));
        assertEquals("out:C", out.get(2));
        assertEquals(List.of(
                new Transaction(List.of("out:A", out.get(1)), Map.of(TP, 2L)),
                new Transaction(List.of("out:C"), Map.of(TP, 3L))), producer.committed,
                "the dead letter commits with the offset past its record");
        assertEquals(List.of(), listener.events, "a bad record is no failure of the worker");
    }
}
