package io.streamvault.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HangingTransactions} on a real broker started on the data a real crash left: DedupIT
 * killed a backup (broker included) while an uploader's transaction was being committed, and the
 * restarted broker's coordinator wrote the commit as complete without its markers. Partition 2 of
 * {@code chunk-stored} and the uploader group's offsets then held the transaction open for ever
 * (src/test/resources/hanging-transaction-broker.zip, the broker's data directory as it was, index
 * files left out: the broker rebuilds them). The sweep aborts it there, and a live transaction
 * beside it is left alone.
 */
class HangingTransactionsIT {
    private static final TopicPartition STUCK = new TopicPartition("sv.bb72de42d437.chunk-stored", 2);
    private static final String UPLOADERS = "sv.bb72de42d437.uploader";
    private static final String UPLOADER_TXN = UPLOADERS + ".vm-45b61d-0.1";

    @TempDir
    Path tmp;

    @Test
    void aTransactionItsCoordinatorForgotIsAbortedWhereItHangsAndALiveOneIsNot() throws Exception {
        Path data = unzip();
        KafkaNode node = KafkaNode.start(data, 0);
        try {
            KafkaProps props = new KafkaProps(node.bootstrap(), StreamVaultConfig.defaults());
            try (Admin admin = Admin.create(props.admin("test"));
                    KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props.consumer(null, "reader", 10))) {
                admin.createTopics(List.of(new NewTopic("live", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                TopicPartition live = new TopicPartition("live", 0);
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props.transactionalProducer("live-txn"))) {
                    producer.initTransactions();
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>("live", 0, null, new byte[] {1})).get();
                    assertEquals(0, reader.endOffsets(List.of(STUCK)).get(STUCK), "readers wait at the hanging transaction");

                    List<HangingTransactions.Open> aborted = HangingTransactions.sweep(admin, props);

                    assertEquals(2, aborted.size(), aborted.toString());
                    assertTrue(aborted.stream().anyMatch(o -> o.partition().equals(STUCK) && o.producerId() == 2
                            && o.startOffset() == 0), aborted.toString());
                    assertTrue(aborted.stream().anyMatch(o -> o.partition().topic().equals("__consumer_offsets")),
                            "the uploader's offsets, committed in the same transaction: " + aborted);
                    await(() -> reader.endOffsets(List.of(STUCK)).get(STUCK) == 2, "the record and its abort marker");
                    assertEquals(2, admin.describeTransactions(List.of(UPLOADER_TXN)).description(UPLOADER_TXN)
                            .get(30, TimeUnit.SECONDS).producerEpoch(), "its producer (epoch 1 then) is fenced");
                    assertEquals(List.of(), HangingTransactions.sweep(admin, props), "nothing is left to end");
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(UPLOADERS)
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    assertTrue(!offsets.isEmpty(), "the uploader group's offsets can be fetched again");

                    assertEquals(0, reader.endOffsets(List.of(live)).get(live), "the live transaction is still open");
                    producer.commitTransaction();
                    await(() -> reader.endOffsets(List.of(live)).get(live) == 2, "the live transaction commits");
                }
            }
        } finally {
            node.stop();
        }
    }

    private Path unzip() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/hanging-transaction-broker.zip");
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path to = tmp.resolve(e.getName()).normalize();
                assertTrue(to.startsWith(tmp));
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(zip, to);
                }
            }
        }
        return tmp.resolve("data");
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(100);
        }
    }
}
