package io.streamvault.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.RetryableException;
import io.streamvault.schemas.SchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded registry: schemas live in a compacted single-partition topic, as the Confluent
 * registry keeps them, so every process on every machine that reaches the cluster sees the same
 * schemas. Ids are computed ({@link SchemaIds}), never allocated, so processes need no leader and
 * no coordination: registering the same schema anywhere gives the same id.
 *
 * <p>Records (key → JSON value): {@code schema:ID} → {@code {"id":ID,"schema":"..."}} and
 * {@code subject:SUBJECT:ID} → {@code {"subject":"...","id":ID}}. A process writes only what it
 * does not find in the topic after reading it to the end. Versions of a subject are the order in
 * which its ids first appear in the topic; they are informative only (two processes racing to
 * register, followed by compaction, may swap two versions); the ids are what records carry.
 */
public final class KafkaSchemaRegistry implements SchemaRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaRegistry.class);

    private final Properties client;
    private final TopicPartition partition;
    private final Duration timeout;
    private final SchemaStore store;
    /** The catch-up consumer's fetch wait (see {@link #consumerProps}). */
    static final String FETCH_MAX_WAIT_MS = "10";
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private boolean topicReady;

    /**
     * @param client bootstrap.servers and any client settings (security, ...); settings a client
     *               does not know are dropped
     */
    public KafkaSchemaRegistry(Properties client, String topic, Duration timeout) {
        this.client = client;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        this.store = new SchemaStore(location());
    }

    @Override
    public int register(String subject, Schema schema) {
        int id = SchemaIds.of(schema);
        String canonical = SchemaIds.canonical(schema);
        if (store.has(id, canonical) && store.hasSubject(subject, id)) {
            return id;
        }
        synchronized (this) {
            catchUp();
            boolean newSchema = store.schema(id) == null;
            if (!newSchema) {
                store.addSchema(id, schema); // fails on a collision, else changes nothing
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            if (newSchema) {
                sent.add(send("schema:" + id, Json.object().put("id", id).put("schema", schema.toString())));
            }
            if (!store.hasSubject(subject, id)) {
                sent.add(send("subject:" + subject + ":" + id, Json.object().put("subject", subject).put("id", id)));
            }
            if (!sent.isEmpty()) {
                awaitSent(sent);
                catchUp();
            }
            if (!store.has(id, canonical)) {
                // Another process wrote a different schema under this id first.
                store.addSchema(id, schema);
            }
            return id;
        }
    }

    @Override
    public Schema schemaById(int id) {
        Schema known = store.schema(id);
        if (known != null) {
            return known;
        }
        synchronized (this) {
            catchUp();
            Schema s = store.schema(id);
            if (s == null) {
                throw store.unknownId(id);
            }
            return s;
        }
    }

    @Override
    public synchronized List<String> subjects() {
        catchUp();
        return store.subjects();
    }

    @Override
    public synchronized List<Integer> subjectIds(String subject) {
        catchUp();
        return store.subjectIds(subject);
    }

    @Override
    public String location() {
        return "the embedded schema registry (topic " + partition.topic() + " at "
                + client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + ")";
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (consumer != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            consumer = null;
        }
    }

    /** Reads the topic up to its current end, applying every record to the store. */
    private void catchUp() {
        ensureTopic();
        try {
            if (consumer == null) {
                consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(), new StringDeserializer());
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
            }
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new RetryableException(ErrorCode.REGISTRY_ERROR, "cannot read " + location()
                            + " to its end (offset " + end + ") within " + timeout.toMillis() + " ms");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
            }
        } catch (KafkaException e) {
            throw failure("cannot read " + location(), e);
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        JsonNode v = Json.parse(r.value());
        if (r.key() == null || v == null) {
            return; // tombstones and foreign records: nothing to learn
        }
        try {
            if (r.key().startsWith("schema:")) {
                Schema schema = new Schema.Parser().parse(v.path("schema").asText());
                int id = v.path("id").asInt();
                if (SchemaIds.of(schema) != id) {
                    LOG.warn("{} offset {}: schema hashes to {}, not to the id {} it is stored under; ignored",
                            partition, r.offset(), SchemaIds.of(schema), id);
                    return;
                }
                store.addSchema(id, schema);
            } else if (r.key().startsWith("subject:") && v.hasNonNull("subject") && v.path("id").canConvertToInt()) {
                store.addToSubject(v.get("subject").asText(), v.get("id").intValue());
            }
        } catch (FatalException e) {
            LOG.error("{} offset {}: {}", partition, r.offset(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} offset {}: unreadable record {} ignored: {}", partition, r.offset(), r.key(), e.toString());
        }
    }

    /** A client that cannot be created because of its settings is fatal; anything else may pass. */
    private static RuntimeException failure(String what, KafkaException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                return new FatalException(ErrorCode.INVALID_ARGUMENT, what + ": invalid Kafka client setting: "
                        + t.getMessage(), e);
            }
        }
        return new RetryableException(ErrorCode.REGISTRY_ERROR, what + ": " + e, e);
    }

    private Future<RecordMetadata> send(String key, JsonNode value) {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new StringSerializer());
        }
        try {
            return producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), key, Json.write(value)));
        } catch (KafkaException e) {
            throw failure("cannot write to " + location(), e);
        }
    }

    private void awaitSent(List<Future<RecordMetadata>> sent) {
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new RetryableException(ErrorCode.REGISTRY_ERROR, "cannot write to " + location() + ": "
                        + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new RetryableException(ErrorCode.REGISTRY_ERROR, "writing to " + location()
                        + " took longer than " + timeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException(ErrorCode.CANCELLED, "interrupted while writing to " + location(), e);
            }
        }
    }

    /** Creates the topic when it is missing: one partition, compacted, replicated min(3, brokers) times. */
    private void ensureTopic() {
        if (topicReady) {
            return;
        }
        String topic = partition.topic();
        try (Admin admin = Admin.create(filtered(AdminClientConfig.configNames()))) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                if (d.partitions().size() != 1) {
                    LOG.warn("{} has {} partitions; the registry uses partition 0 only", topic, d.partitions().size());
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
                NewTopic t = new NewTopic(topic, 1, (short) Math.max(1, Math.min(3, brokers)))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created {}", topic);
                } catch (ExecutionException c) {
                    if (!(c.getCause() instanceof TopicExistsException)) {
                        throw c;
                    }
                }
            }
            topicReady = true;
        } catch (ExecutionException e) {
            throw new RetryableException(ErrorCode.REGISTRY_ERROR, "cannot create or describe " + location() + ": "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RetryableException(ErrorCode.REGISTRY_ERROR, "the cluster of " + location()
                    + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalException(ErrorCode.CANCELLED, "interrupted while preparing " + location(), e);
        } catch (KafkaException e) {
            throw failure("cannot prepare " + location(), e);
        }
    }

    private Properties producerProps() {
        Properties p = filtered(ProducerConfig.configNames());
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "streamvault-schemas-" + ProcessHandle.current().pid());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis() + 1000));
        return p;
    }

    private Properties consumerProps() {
        Properties p = filtered(ConsumerConfig.configNames());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamvault-schemas-" + ProcessHandle.current().pid());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        // This consumer polls only to catch up, right after a write of its own: with the default wait
        // (500 ms) each catch-up waited out the fetch the previous one had left at the broker, and the
        // first job of a process registers about twenty schemas, one after another (3-4 s in all).
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        return p;
    }

    /** The client settings that a client with these known settings accepts, without serializers. */
    private Properties filtered(Set<String> known) {
        Properties p = new Properties();
        for (Map.Entry<Object, Object> e : client.entrySet()) {
            if (e.getKey() instanceof String k && known.contains(k) && !k.endsWith("serializer")) {
                p.put(k, e.getValue());
            }
        }
        return p;
    }
}
