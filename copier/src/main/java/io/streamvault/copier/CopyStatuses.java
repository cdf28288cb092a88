package io.streamvault.copier;

import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.CopyStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each copy is behind, on {@code copy-status} (compacted, one record per target): copiers
 * publish what they measured; {@code stats} and the API read the latest of each target.
 */
public final class CopyStatuses implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CopyStatuses.class);
    private final KafkaProps props;
    private final Topics topics;
    private final String client;
    private KafkaProducer<byte[], byte[]> producer;

    public CopyStatuses(KafkaProps props, Topics topics, String client) {
        this.props = props;
        this.topics = topics;
        this.client = client;
    }

    /** Publishes the lag of the copy at {@code target}, as measured at {@code timeMs}. */
    public synchronized void publish(String target, Copier.Lag lag, Copier.Totals totals, long timeMs) {
        if (producer == null) {
            producer = new KafkaProducer<>(props.producer(client + ".copy-status"));
        }
        CopyStatus s = CopyStatus.newBuilder()
                .setTarget(target)
                .setTimeMs(timeMs)
                .setObjectsBehind(lag.objects())
                .setBytesBehind(lag.bytes())
                .setSnapshotsBehind(lag.snapshots())
                .setSecondsBehind(lag.seconds())
                .setNewestCopied(lag.newestCopied())
                .setObjectsCopied(totals.objects())
                .setBytesCopied(totals.bytes())
                .setCopier(client)
                .build();
        String name = topics.copyStatus.name();
        try {
            producer.send(new ProducerRecord<>(name, target.getBytes(StandardCharsets.UTF_8),
                    topics.copyStatus.valueSerde().serializer().serialize(name, s))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot publish the copy's status: " + e.getCause(), e.getCause());
        }
    }

    /**
     * What a copier runs after each batch: measures the lag (listing both vaults) and publishes it, at
     * most every {@code every}; a failure to publish is logged, never stops the copy.
     */
    public Runnable publisher(Copier copier, String target, Duration every) {
        long[] last = {Long.MIN_VALUE};
        return () -> {
            long now = System.currentTimeMillis();
            if (last[0] != Long.MIN_VALUE && now - last[0] < every.toMillis()) {
                return;
            }
            last[0] = now;
            try {
                publish(target, copier.lag(Instant.ofEpochMilli(now)), copier.totals(), now);
            } catch (RuntimeException e) {
                LOG.warn("the status of the copy to {} was not published: {}", target, e.getMessage());
            }
        };
    }

    /** The latest status of every copy, by target. */
    public List<CopyStatus> read() {
        TopicPartition tp = new TopicPartition(topics.copyStatus.name(), 0);
        Deserializer<CopyStatus> reader = topics.copyStatus.valueSerde().deserializer();
        Map<String, CopyStatus> latest = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props.reader(client + ".copy-status", 1000))) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        CopyStatus s = r.value() == null ? null : reader.deserialize(r.topic(), r.value());
                        if (s != null) {
                            latest.put(s.getTarget(), s);
                        }
                    } catch (SerializationException e) {
                        // a status this version cannot read is not shown
                    }
                }
            }
        }
        return new ArrayList<>(latest.values());
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
