package io.streamvault.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.OrphanTransactions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OrphanTransactions} on a real broker: the open transaction of a worker that left its group
 * without ending it (a killed process) is aborted at once, so readers move past it; a member's open
 * transaction is left alone and still commits. For both forms of group: a pool of workers and a Kafka
 * Streams application.
 */
class OrphanTransactionsIT {
    @TempDir
    Path state;

    @Test
    void theOpenTransactionOfAProcessGoneFromItsGroupIsAbortedAndAMembersIsNot() throws Exception {
        try (LocalBroker broker = LocalBroker.acquire(state)) {
            KafkaProps props = new KafkaProps(broker.bootstrapServers(), StreamVaultConfig.defaults());
            // a pool of workers: client id = transactional id GROUP.INSTANCE.N
            String group = "sv.uploader";
            endsOnlyTheGones(props, OrphanTransactions.Group.workers(group), group + ".node-a.0", group + ".node-b.0",
                    group + ".node-b.0");
            // Kafka Streams with exactly-once v2: client id APP-PROCESS-StreamThread-N-consumer, transactional id APP-PROCESS-N
            String app = "sv.dedup";
            String gone = app + "-" + UUID.randomUUID();
            String live = app + "-" + UUID.randomUUID();
            endsOnlyTheGones(props, OrphanTransactions.Group.streams(app), gone + "-1", live + "-StreamThread-1-consumer",
                    live + "-1");
        }
    }

    private static void endsOnlyTheGones(KafkaProps props, OrphanTransactions.Group group, String goneTxn,
            String memberClient, String memberTxn) throws Exception {
        String in = group.groupId() + "-in";
        String out = group.groupId() + "-out";
        try (Admin admin = Admin.create(props.admin("test"))) {
            admin.createTopics(List.of(new NewTopic(in, 2, (short) 1), new NewTopic(out, 2, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        TopicPartition dead = new TopicPartition(out, 0);
        TopicPartition live = new TopicPartition(out, 1);
        try (KafkaProducer<byte[], byte[]> gone = open(props, goneTxn, dead);
                KafkaConsumer<byte[], byte[]> member = join(props, group.groupId(), in, memberClient);
                KafkaProducer<byte[], byte[]> alive = open(props, memberTxn, live);
                KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props.consumer(null, "reader", 10))) {
            LongSupplier stableDead = () -> reader.endOffsets(List.of(dead)).get(dead);
            LongSupplier stableLive = () -> reader.endOffsets(List.of(live)).get(live);
            assertEquals(0, stableDead.getAsLong(), "read_committed readers wait at the open transaction");

            List<String> ended = props.orphans().sweep(List.of(group));

            assertEquals(List.of(goneTxn), ended, "only the transaction of the process gone from the group");
            await(() -> stableDead.getAsLong() == 2, "the gone process's record and its abort marker are stable");
            assertEquals(0, stableLive.getAsLong(), "the member's transaction is still open");
            alive.commitTransaction();
            await(() -> stableLive.getAsLong() == 2, "the member's transaction commits");
            reader.assign(List.of(dead, live));
            reader.seekToBeginning(List.of(dead, live));
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
            assertEquals(List.of("from " + memberTxn), seen, "the aborted record is never read");
            assertEquals(List.of(), props.orphans().sweep(List.of(group)), "nothing is left to end");
        }
    }

    /** A producer of {@code id} with a transaction left open on {@code tp}. */
    private static KafkaProducer<byte[], byte[]> open(KafkaProps props, String id, TopicPartition tp) throws Exception {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props.transactionalProducer(id));
        p.initTransactions();
        p.beginTransaction();
        p.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, ("from " + id).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        return p;
    }

    /** A member of the group, with partitions of {@code topic} assigned. */
    private static KafkaConsumer<byte[], byte[]> join(KafkaProps props, String group, String topic, String clientId)
            throws Exception {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props.consumer(group, clientId, 10));
        c.subscribe(List.of(topic));
        await(() -> {
            c.poll(Duration.ofMillis(100));
            return !c.assignment().isEmpty();
        }, "the member is assigned partitions");
        return c;
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
