package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy in another region (docs/copies.md, Across regions): the source's cluster (A) carries the
 * vault's events; a mirror, as MirrorMaker 2 runs it, replicates the event topic (renamed with the
 * source cluster's alias) and the registry's schema topic (as it is) into the other region's cluster
 * (B); the copier there follows the mirrored topic on B and reads the source vault, and is given
 * nothing of region A: no address of A's cluster.
 */
class CopyAcrossRegionsIT {
    private static final String PASSWORD = "regions apart";
    @TempDir
    Path tmp;

    /** Replicates topics from one cluster to another, record by record, keys and partitions kept. */
    static final class Mirror implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong copied = new AtomicLong();
        private final Thread thread;

        Mirror(String from, String to, Map<String, String> topics) {
            thread = new Thread(() -> {
                Properties c = new Properties();
                c.put("bootstrap.servers", from);
                c.put("key.deserializer", ByteArrayDeserializer.class.getName());
                c.put("value.deserializer", ByteArrayDeserializer.class.getName());
                c.put("isolation.level", "read_committed");
                Properties p = new Properties();
                p.put("bootstrap.servers", to);
                p.put("key.serializer", ByteArraySerializer.class.getName());
                p.put("value.serializer", ByteArraySerializer.class.getName());
                p.put("acks", "all");
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
                        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                    List<TopicPartition> parts = new ArrayList<>();
                    for (String t : topics.keySet()) {
                        for (PartitionInfo pi : consumer.partitionsFor(t)) {
                            parts.add(new TopicPartition(t, pi.partition()));
                        }
                    }
                    consumer.assign(parts);
                    consumer.seekToBeginning(parts);
                    while (!stop.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            producer.send(new ProducerRecord<>(topics.get(r.topic()), r.partition(), r.key(), r.value()));
                            copied.incrementAndGet();
                        }
                        producer.flush();
                    }
                }
            }, "mirror");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    @Test
    void aCopierInTheOtherRegionFollowsTheMirroredEventsAndNeedsNothingElseOfTheSourceRegion() throws Exception {
        Path vault = tmp.resolve("vault");
        Path target = tmp.resolve("target");
        Path pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        String namespace;
        try (Vault v = Vault.open(Storages.open(vault.toString()), PASSWORD.toCharArray())) {
            namespace = StreamVaultConfig.defaults().getString(StreamVaultConfig.TOPIC_PREFIX) + "."
                    + v.id().substring(0, 12) + ".";
        }
        Path src = tmp.resolve("src");
        SourceTree.full(src, 91);
        try (LocalBroker a = LocalBroker.acquire(tmp.resolve("region-a")); LocalBroker b = LocalBroker.acquire(tmp.resolve(
                "region-b"))) {
            Object[] atA = {"--vault", vault, "--password-file", pw, "--bootstrap-servers", a.bootstrapServers(),
                "--state-dir", tmp.resolve("state-a"), "--json"};
            Cli.Result first = Cli.run(BackupRestoreIT.concat(new Object[] {"backup", src}, atA));
            assertEquals(0, first.code(), first.toString());

            // Region B: the mirrored event topic, renamed as MirrorMaker 2 does ("a." + name), and the registry's topic.
            String events = namespace + "vault-events";
            String mirrored = "a." + events;
            int partitions;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", a.bootstrapServers()))) {
                partitions = admin.describeTopics(List.of(events)).allTopicNames().get().get(events).partitions().size();
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", b.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(mirrored, partitions, (short) 1),
                        new NewTopic(SchemaRegistries.SCHEMAS_TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy",
                                "compact")))).all().get();
            }
            try (Mirror mirror = new Mirror(a.bootstrapServers(), b.bootstrapServers(), Map.of(events, mirrored,
                    SchemaRegistries.SCHEMAS_TOPIC, SchemaRegistries.SCHEMAS_TOPIC))) {
                Process copier = new ProcessBuilder(Cli.REPO.resolve("bin/streamvault").toString(), "copy", "--to",
                        target.toString(), "--vault", vault.toString(), "--password-file", pw.toString(), "--state-dir",
                        tmp.resolve("state-b").toString(), "--events-bootstrap-servers", b.bootstrapServers(),
                        "--events-topic", mirrored, "--from-start")
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("copier.log").toFile()).start();
                try {
                    // The catch-up copies the first snapshot; the second arrives only through the mirrored events.
                    awaitSnapshots(target, Set.of(first.json().get("snapshot").asText()), copier);
                    SourceTree.write(src.resolve("after/new.bin"), SourceTree.bytes(new Random(92), 700_000));
                    Cli.Result second = Cli.run(BackupRestoreIT.concat(new Object[] {"backup", src}, atA));
                    assertEquals(0, second.code(), second.toString());
                    awaitSnapshots(target, Set.of(first.json().get("snapshot").asText(),
                            second.json().get("snapshot").asText()), copier);
                    assertTrue(mirror.copied.get() > 0);
                    Path out = tmp.resolve("restored");
                    Cli.Result r = Cli.run("restore", second.json().get("snapshot").asText(), "--target", out, "--vault",
                            target, "--password-file", pw);
                    assertEquals(0, r.code(), r.toString());
                    TreeAssert.assertSameTree(src, out);
                    Cli.Result check = Cli.run("check", "--read-data", "--vault", target, "--password-file", pw);
                    assertEquals(0, check.code(), check.toString());
                    String log = Files.readString(tmp.resolve("copier.log"));
                    assertTrue(log.contains("following " + mirrored + " on " + b.bootstrapServers()), log);
                    assertTrue(!log.contains(a.bootstrapServers()), "the copier was told nothing of region A: " + log);
                } finally {
                    copier.destroy();
                    copier.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void awaitSnapshots(Path target, Set<String> expected, Process copier) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            Set<String> there = new HashSet<>();
            if (Files.exists(target.resolve("config"))) {
                try (Vault t = Vault.open(Storages.open(target.toString()), PASSWORD.toCharArray())) {
                    for (SnapshotRef s : t.listSnapshots()) {
                        there.add(s.id());
                    }
                }
            }
            if (there.containsAll(expected)) {
                return;
            }
            assertTrue(copier.isAlive(), "the copier stopped");
            assertTrue(System.currentTimeMillis() < deadline, "the target has " + there + ", not yet " + expected);
            Thread.sleep(300);
        }
    }
}
