package io.streamvault.bench;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.StreamsApp;
import io.streamvault.common.kafka.TopicAdmin;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.metrics.Meters;
import io.streamvault.dedup.Dedup;
import io.streamvault.dedup.DedupSettings;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Chunk records per second through the dedup topology on the embedded broker, end to end: a
 * producer publishes chunk records (a share of them repeats), the topology (exactly-once, RocksDB)
 * turns every new id into an upload request; the clock stops when the last upload request is
 * committed. Then heap and RSS of this process, whose store then holds every id.
 *
 * <p>Usage: {@code DedupBench RECORDS [DUPLICATE_PERCENT] [PARTITIONS] [THREADS]}
 */
public final class DedupBench {
    private DedupBench() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int dupPercent = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path dir = Files.createTempDirectory("dedup-bench");
        StreamVaultConfig config = StreamVaultConfig.of(Map.of(StreamVaultConfig.TOPIC_PARTITIONS, partitions));
        try (LocalBroker broker = LocalBroker.acquire(dir.resolve("state"))) {
            KafkaProps props = new KafkaProps(broker.bootstrapServers(), config);
            SchemaRegistry registry = SchemaRegistries.open(config, props.common());
            Topics topics = new Topics("bench", "0123456789abcdef", partitions, (short) 1, registry);
            try (Admin admin = Admin.create(props.admin("bench"))) {
                TopicAdmin.ensure(admin, topics.all(), Duration.ofSeconds(30));
            }
            try (StreamsApp app = Dedup.app(props, topics, registry, DedupSettings.of(3_600_000), dir.resolve("streams"),
                    threads, WorkerListener.NONE, Meters.NONE)) {
                app.start();
                if (!app.awaitRunning(Duration.ofMinutes(2))) {
                    throw new IllegalStateException("dedup topology did not start");
                }
                long start = System.nanoTime();
                long distinct = produce(props, topics, records, dupPercent);
                long produced = waitForUploads(props, topics, distinct);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.gc();
                Thread.sleep(500);
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.printf(Locale.ROOT, "records=%d distinct=%d partitions=%d threads=%d seconds=%.1f "
                        + "records_per_s=%.0f upload_requests=%d heap_used_mb=%.0f rss_mb=%.0f store_disk_mb=%.0f%n",
                        records, distinct, partitions, threads, seconds, records / seconds, produced, heap / 1048576.0,
                        rssBytes() / 1048576.0, du(dir.resolve("streams")) / 1048576.0);
            }
        }
    }

    /** Publishes the records; returns how many distinct ids they hold. */
    private static long produce(KafkaProps props, Topics topics, long records, int dupPercent) {
        Random rnd = new Random(1);
        Serializer<ChunkRecord> ser = topics.chunks.valueSerde().serializer();
        String topic = topics.chunks.name();
        ChunkSource source = new ChunkSource(ByteBuffer.wrap("/data/file".getBytes()), 0L, 1 << 20,
                ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap("file".getBytes()), 0, 0);
        long distinct = 0;
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props.producer("bench-producer"))) {
            for (long i = 0; i < records; i++) {
                byte[] id = new byte[32];
                boolean dup = distinct > 0 && rnd.nextInt(100) < dupPercent;
                long n = dup ? (long) (rnd.nextDouble() * distinct) : distinct++;
                ByteBuffer.wrap(id).putLong(n).putLong(n * 0x9E3779B97F4A7C15L);
                ChunkRecord r = new ChunkRecord(ByteBuffer.wrap(id), "job-" + (i % 3), source, List.of());
                p.send(new ProducerRecord<>(topic, id, ser.serialize(topic, r)));
            }
            p.flush();
        }
        System.err.printf(Locale.ROOT, "produced %d records in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
        return distinct;
    }

    /** Reads committed upload requests until there are {@code expected} of them. */
    private static long waitForUploads(KafkaProps props, Topics topics, long expected) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props.consumer(null, "bench-counter", 5000))) {
            List<TopicPartition> parts = c.partitionsFor(topics.uploadRequests.name()).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long n = 0;
            while (n < expected) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    private static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static long du(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
