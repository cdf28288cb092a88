package io.streamvault.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.schemas.internal.Collisions;
import io.streamvault.schemas.internal.KafkaSchemaRegistry;
import io.streamvault.schemas.internal.RestSchemaRegistry;
import io.streamvault.schemas.internal.SchemaIds;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.UploadRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSchemaRegistryIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<Schema> ALL = List.of(JobStarted.getClassSchema(), DirTask.getClassSchema(),
            DirScanned.getClassSchema(), FileEvent.getClassSchema(), FileManifest.getClassSchema(),
            ChunkRecord.getClassSchema(), UploadRequest.getClassSchema(), ChunkStored.getClassSchema(),
            ChunkAck.getClassSchema(), JobStatus.getClassSchema(), DeadLetter.getClassSchema());

    @TempDir
    static Path state;
    static LocalBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalBroker.acquire(state);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static Properties client() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"); // admin-only: dropped for the others
        return p;
    }

    private static KafkaSchemaRegistry open() {
        return new KafkaSchemaRegistry(client(), SchemaRegistries.SCHEMAS_TOPIC, TIMEOUT);
    }

    @Test
    void concurrentRegistrantsAgreeOnIdsAndAFreshInstanceReadsThemBack() throws Exception {
        int instances = 3;
        List<KafkaSchemaRegistry> registries = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            registries.add(open());
        }
        CyclicBarrier start = new CyclicBarrier(instances);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        List<Future<List<Integer>>> results = new ArrayList<>();
        try {
            for (KafkaSchemaRegistry r : registries) {
                Callable<List<Integer>> job = () -> {
                    start.await();
                    List<Integer> ids = new ArrayList<>();
                    for (Schema s : ALL) {
                        ids.add(r.register("race." + s.getName() + "-value", s));
                    }
                    return ids;
                };
                results.add(pool.submit(job));
            }
            List<Integer> expected = ALL.stream().map(SchemaIds::of).toList();
            for (Future<List<Integer>> f : results) {
                assertEquals(expected, f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
            registries.forEach(KafkaSchemaRegistry::close);
        }

        try (KafkaSchemaRegistry later = open()) {
            for (Schema s : ALL) {
                assertEquals(s, later.schemaById(SchemaIds.of(s)));
                assertEquals(List.of(SchemaIds.of(s)), later.subjectIds("race." + s.getName() + "-value"));
            }
            assertTrue(later.subjects().containsAll(ALL.stream().map(s -> "race." + s.getName() + "-value").toList()));
            FatalException unknown = assertThrows(FatalException.class, () -> later.schemaById(42));
            assertEquals(ErrorCode.MALFORMED_RECORD, unknown.code());
            assertTrue(unknown.getMessage().contains(SchemaRegistries.SCHEMAS_TOPIC), unknown.getMessage());
        }

        try (Admin admin = Admin.create(client())) {
            TopicDescription d = admin.describeTopics(List.of(SchemaRegistries.SCHEMAS_TOPIC)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(SchemaRegistries.SCHEMAS_TOPIC);
            assertEquals(1, d.partitions().size());
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, SchemaRegistries.SCHEMAS_TOPIC);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS);
            assertEquals("compact", configs.get(res).get("cleanup.policy").value());
        }
    }

    @Test
    void aCollisionBetweenProcessesIsRefused() {
        Schema[] pair = Collisions.pair();
        try (KafkaSchemaRegistry one = open(); KafkaSchemaRegistry two = open()) {
            int id = one.register("collide-a-value", pair[0]);
            FatalException e = assertThrows(FatalException.class, () -> two.register("collide-b-value", pair[1]));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertTrue(e.getMessage().contains("collision") && e.getMessage().contains(String.valueOf(id)),
                    e.getMessage());
            assertEquals(pair[0], two.schemaById(id));
            assertTrue(two.subjectIds("collide-b-value").isEmpty());
        }
    }

    @Test
    void recordsWrittenThroughOneRegistryAreReadThroughAnother() throws Exception {
        String topic = "sv.test.chunk-stored";
        try (Admin admin = Admin.create(client())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties pp = client();
        pp.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        try (SchemaRegistry writerRegistry = open();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            AvroSerde<ChunkStored> serde = AvroSerde.forValues(writerRegistry, ChunkStored.class);
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, new byte[] {(byte) i},
                        serde.serializer().serialize(topic, Samples.stored(i))));
            }
            producer.send(new ProducerRecord<>(topic, new byte[] {1}, null)); // a tombstone
            producer.flush();
        }
        Properties cp = client();
        cp.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (SchemaRegistry readerRegistry = open();
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            AvroSerde<ChunkStored> serde = AvroSerde.forValues(readerRegistry, ChunkStored.class);
            consumer.subscribe(List.of(topic));
            List<ChunkStored> seen = new ArrayList<>();
            int tombstones = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.size() + tombstones < 101 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ChunkStored v = serde.deserializer().deserialize(topic, r.value());
                    if (v == null) {
                        tombstones++;
                    } else {
                        seen.add(v);
                    }
                }
            }
            assertEquals(1, tombstones);
            assertEquals(100, seen.size());
            for (int i = 0; i < 100; i++) {
                assertTrue(seen.contains(Samples.stored(i)), "record " + i);
            }
        }
    }

    @Test
    void theEmbeddedRegistryServedOverHttpGivesTheSameIds() {
        try (SchemaRegistry embedded = open();
                RegistryHttpServer server = RegistryHttpServer.start(embedded,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "sv:pw")) {
            StreamVaultConfig config = StreamVaultConfig.of(Map.of(StreamVaultConfig.SCHEMA_REGISTRY_URL, server.url(),
                    StreamVaultConfig.SCHEMA_REGISTRY_BASIC_AUTH, "sv:pw"));
            try (SchemaRegistry rest = SchemaRegistries.open(config, new Properties())) {
                assertInstanceOf(RestSchemaRegistry.class, rest);
                int id = rest.register("http.jobs-value", JobStatus.getClassSchema());
                assertEquals(SchemaIds.of(JobStatus.getClassSchema()), id);
                try (SchemaRegistry direct = open()) {
                    assertEquals(JobStatus.getClassSchema(), direct.schemaById(id), "it went to the topic");
                }
                AvroSerde<DirTask> viaHttp = AvroSerde.forValues(rest, DirTask.class);
                byte[] wire = viaHttp.serializer().serialize("http.tasks", Samples.dirTask(3));
                AvroSerde<DirTask> viaTopic = AvroSerde.forValues(embedded, DirTask.class);
                assertEquals(Samples.dirTask(3), viaTopic.deserializer().deserialize("http.tasks", wire));
                assertTrue(rest.subjects().contains("http.tasks-value"));
            }
        }
    }

    @Test
    void openPicksTheEmbeddedRegistryWithoutAUrl() {
        StreamVaultConfig config = StreamVaultConfig.of(Map.of(StreamVaultConfig.BOOTSTRAP_SERVERS,
                broker.bootstrapServers()));
        try (SchemaRegistry r = SchemaRegistries.open(config, new Properties())) {
            assertInstanceOf(KafkaSchemaRegistry.class, r);
            assertEquals(SchemaIds.of(DirTask.getClassSchema()), r.register("open-value", DirTask.getClassSchema()));
        }
        FatalException e = assertThrows(FatalException.class,
                () -> SchemaRegistries.open(StreamVaultConfig.defaults(), new Properties()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }
}
