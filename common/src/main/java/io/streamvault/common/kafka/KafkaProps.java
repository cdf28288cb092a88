package io.streamvault.common.kafka;

import io.streamvault.common.config.StreamVaultConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings for every Kafka client StreamVault creates, in one place: the cluster address,
 * pass-through {@code kafka.*} settings, and the exactly-once settings the pipeline relies on.
 */
public final class KafkaProps {
    /**
     * How long the broker holds an idle consumer's fetch in an agent, unless
     * {@code consumer.fetch.wait.ms} is set (Kafka's default 500 ms). A fetch returns as soon as
     * committed records arrive, so this costs no latency; an idle agent's dozen consumers then send a
     * quarter of the fetches: its broker thread's CPU halved (about 14 to 7 ms per second). A process
     * that runs one job keeps the key's default (200 ms): closing a consumer waits for its fetch in
     * flight (the broker answers one request of a connection at a time, and the consumer's request to
     * close its fetch session queues behind it), and a one-shot backup spent 1.9 s closing its roles.
     */
    public static final int AGENT_FETCH_MAX_WAIT_MS = 2000;
    /**
     * How long a consumer group waits for a member that stopped heartbeating (a killed process)
     * before its partitions go to the others: the smallest a broker accepts by default
     * (group.min.session.timeout.ms).
     * A killed agent stalls a running backup this long plus a rebalance (docs/reliability.md); its
     * open transactions end right after, by {@link OrphanTransactions}.
     */
    static final String SESSION_TIMEOUT_MS = "6000";
    /** The fetch wait of a consumer that reads to an end and closes ({@link #reader}). */
    static final String READER_FETCH_MAX_WAIT_MS = "100";
    /** The restore consumers' fetch wait (see {@link #streams}). */
    static final String RESTORE_FETCH_MAX_WAIT_MS = "50";
    /**
     * How long a producer waits before it retries a request refused for now (default 100 ms). A
     * transactional producer meets two such refusals in normal work: CONCURRENT_TRANSACTIONS, when
     * its next transaction starts while the markers of the last one are still being written, and the
     * lookup of its consumer group's coordinator before its first offset commit. Each added a tenth
     * of a second to a garbage collection's round trip through a topology, and to pipeline stages.
     * The wait still doubles on each retry, up to {@code retry.backoff.max.ms} (1 s).
     */
    static final String RETRY_BACKOFF_MS = "10";
    /**
     * How long a transactional producer (the workers', and Kafka Streams' under exactly-once) holds a
     * batch that is not full (plain producers: 5 ms). Its records are seen by no one before its
     * transaction commits, and the commit sends every batch at once, so a longer wait costs no
     * latency: a transaction's records go out in one produce request at its commit, not one every 5
     * ms. Each request cost the embedded broker a response and a wake-up of its network thread (on a
     * virtual machine, a cross-CPU interrupt): a fresh agent's backup of 100,000 small files made
     * 2,629 produce requests with 5 ms and 16 KiB batches for Kafka Streams, 496 with these (and
     * {@link #BATCH_BYTES}), and used 17% less CPU (docs/performance.md).
     */
    static final String TRANSACTIONAL_LINGER_MS = "100";
    /**
     * Every producer's batch size per partition, Kafka Streams' too (Kafka's default 16 KiB): a batch
     * that fills is sent at once, whatever the linger.
     */
    static final String BATCH_BYTES = String.valueOf(128 * 1024);
    /** A third of the session timeout, as Kafka advises. */
    static final String HEARTBEAT_INTERVAL_MS = "2000";
    private final String bootstrap;
    private final StreamVaultConfig config;
    private OrphanTransactions orphans;

    public KafkaProps(String bootstrap, StreamVaultConfig config) {
        this.bootstrap = bootstrap;
        this.config = config;
    }

    public String bootstrap() {
        return bootstrap;
    }

    private String fetchWaitMs() {
        return String.valueOf(config.getInt(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS));
    }

    public StreamVaultConfig config() {
        return config;
    }

    /** The sweeper of this cluster's orphaned transactions (made on first use). */
    public synchronized OrphanTransactions orphans() {
        if (orphans == null) {
            orphans = new OrphanTransactions(this);
        }
        return orphans;
    }

    /** Settings every client shares: address, timeouts, user overrides. */
    public Properties common() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int timeout = config.getInt(StreamVaultConfig.KAFKA_TIMEOUT_MS);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(timeout, 15_000)));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(timeout, 10_000)));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * lz4 for a cluster over the network; none for the embedded broker, which is on this machine:
     * there, compressing each batch (and the broker decompressing it to check it) only costs CPU.
     * {@code kafka.compression.type} overrides both.
     */
    String compression() {
        return config.embeddedBroker() ? "none" : "lz4";
    }

    public Properties admin(String clientId) {
        Properties p = common();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /** A transactional, idempotent producer of raw bytes (serdes are applied by the caller). */
    public Properties transactionalProducer(String transactionalId) {
        Properties p = producer(transactionalId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, TRANSACTIONAL_LINGER_MS);
        p.putAll(config.kafkaOverrides());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, config.getInt(StreamVaultConfig.TRANSACTION_TIMEOUT_MS));
        return p;
    }

    /** An idempotent producer of raw bytes. */
    public Properties producer(String clientId) {
        Properties p = common();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(config.getInt(StreamVaultConfig.KAFKA_TIMEOUT_MS)));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * A consumer that reads a topic to its end and is closed at once (a request's reader): it waits at
     * most {@link #READER_FETCH_MAX_WAIT_MS} for a fetch, whatever the process, since its close waits for
     * the fetch in flight. A user's {@code kafka.fetch.max.wait.ms} still wins.
     */
    public Properties reader(String clientId, int maxPollRecords) {
        Properties p = consumer(null, clientId, maxPollRecords);
        if (!config.kafkaOverrides().containsKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)) {
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, READER_FETCH_MAX_WAIT_MS);
        }
        return p;
    }

    /** A consumer of raw bytes that sees committed records only and never commits by itself. */
    public Properties consumer(String groupId, String clientId, int maxPollRecords) {
        Properties p = common();
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(10 * 60_000));
        p.put(ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, String.valueOf(11 * 60_000));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /** Kafka Streams settings for one topology: exactly-once v2, state under {@code stateDir}. */
    public Properties streams(String applicationId, Path stateDir, int threads) {
        Properties p = common();
        p.put("application.id", applicationId);
        p.put("state.dir", stateDir.toString());
        p.put("processing.guarantee", "exactly_once_v2");
        p.put("num.stream.threads", String.valueOf(threads));
        p.put("commit.interval.ms", String.valueOf(config.getLong(StreamVaultConfig.STREAMS_COMMIT_INTERVAL_MS)));
        p.put(QuietCommit.CONFIG, String.valueOf(config.getLong(StreamVaultConfig.STREAMS_COMMIT_QUIET_MS)));
        p.put("replication.factor", String.valueOf(config.getShort(StreamVaultConfig.TOPIC_REPLICATION)));
        p.put("statestore.cache.max.bytes", String.valueOf(16L << 20));
        // No topology here joins streams by time: records of a task's partitions may be processed as
        // they come. (With the default of 0, Streams holds a task back while one partition's buffer is
        // empty, and formats a log message for every such check, logged or not.)
        p.put("max.task.idle.ms", "-1");
        // Kafka Streams takes a key prefixed "producer." over the plain one: these defaults give way to
        // a user's kafka.linger.ms or kafka.batch.size, as the workers' producers do.
        Properties overrides = config.kafkaOverrides();
        if (!overrides.containsKey(ProducerConfig.LINGER_MS_CONFIG)) {
            p.put("producer." + ProducerConfig.LINGER_MS_CONFIG, TRANSACTIONAL_LINGER_MS);
        }
        if (!overrides.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            p.put("producer." + ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        }
        p.put("producer." + ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        p.put("producer." + ProducerConfig.COMPRESSION_TYPE_CONFIG, compression());
        p.put("producer." + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(config.getInt(StreamVaultConfig.TRANSACTION_TIMEOUT_MS)));
        p.put("consumer." + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        p.put("consumer." + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        if (!overrides.containsKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)) {
            p.put("consumer." + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs());
        }
        // The restore consumer reads changelogs only while a task restores, and each round of a
        // restore waited out a whole fetch wait: a fresh state directory's empty stores took three
        // rounds of 2 s before the topologies ran (every one-shot command and agent paid it).
        p.put("restore.consumer." + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, RESTORE_FETCH_MAX_WAIT_MS);
        p.put("consumer." + ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(10 * 60_000));
        p.put("consumer." + ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, String.valueOf(11 * 60_000));
        p.putAll(config.kafkaOverrides());
        return p;
    }
}
