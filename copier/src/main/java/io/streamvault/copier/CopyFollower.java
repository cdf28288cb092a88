package io.streamvault.copier;

import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.VaultEvent;
import io.streamvault.schemas.records.VaultOp;
import io.streamvault.vault.ObjectKind;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copier role: catches the target up by listing, then follows {@code vault-events} (or its
 * mirror in another cluster) and copies each object as it is announced. Copiers of one target share
 * the topic's partitions through their consumer group; offsets are committed after the objects of
 * a batch are on the target, so a killed copier costs only the objects it had in flight, which the
 * next one copies again (create-only, so twice is harmless).
 */
public final class CopyFollower {
    private static final Logger LOG = LoggerFactory.getLogger(CopyFollower.class);
    private final KafkaProps props;
    private final Topics topics;
    private final String eventsTopic;
    private final Copier copier;
    private final String group;
    private final String instance;

    /**
     * @param eventsTopic the topic to follow: {@code topics.vaultEvents} here, or its mirror's name in
     *     another cluster ({@code props} then point at that cluster)
     * @param group the consumer group of this target's copiers
     */
    public CopyFollower(KafkaProps props, Topics topics, String eventsTopic, Copier copier, String group, String instance) {
        this.props = props;
        this.topics = topics;
        this.eventsTopic = eventsTopic;
        this.copier = copier;
        this.group = group;
        this.instance = instance;
    }

    /** The consumer group of the copiers of one target: one per target, each gets every event. */
    public static String group(Topics topics, String targetLocation) {
        return topics.groupId("copier-" + Integer.toHexString(targetLocation.hashCode()));
    }

    /**
     * Follows the topic until {@code stop} says so, and catches up by listing every
     * {@code catchUpEvery}. {@code fromStart}: a group new to the topic reads it from its start
     * instead of from now. From now, the partitions the group has no offset for are read from their
     * end as it is when they are assigned, which can be long after the caller's catch-up (the
     * assignment waits for the group, up to a session timeout for a killed copier still in it):
     * so the copier catches up again once that end is fixed, and what was written in between
     * (a snapshot, say) is not left for the next catch-up.
     */
    public void follow(boolean fromStart, Duration catchUpEvery, BooleanSupplier stop, Runnable afterBatch) {
        long lastCatchUp = System.nanoTime();
        afterBatch.run();
        Properties p = props.consumer(group, instance + ".copier", 200);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromStart ? "earliest" : "latest");
        Deserializer<VaultEvent> reader = topics.vaultEvents.valueSerde().deserializer();
        AtomicBoolean startedAtTheEnd = new AtomicBoolean();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(eventsTopic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (fromStart || partitions.isEmpty()) {
                        return;
                    }
                    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
                    Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions);
                    // No offset, or one older than the topic's retention: both are reset to the end.
                    if (partitions.stream().anyMatch(tp -> committed.get(tp) == null
                            || committed.get(tp).offset() < first.getOrDefault(tp, 0L))) {
                        partitions.forEach(consumer::position); // reading starts at the end as it is now
                        startedAtTheEnd.set(true);
                    }
                }
            });
            while (!stop.getAsBoolean()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    VaultEvent e;
                    try {
                        e = r.value() == null ? null : reader.deserialize(r.topic(), r.value());
                    } catch (SerializationException ex) {
                        LOG.warn("vault event at {}:{} unreadable, skipped (the next catch-up covers it): {}", r.partition(),
                                r.offset(), ex.getMessage());
                        continue;
                    }
                    if (e != null) {
                        apply(e);
                    }
                }
                if (!batch.isEmpty()) {
                    consumer.commitSync();
                }
                afterBatch.run();
                if (startedAtTheEnd.getAndSet(false) || System.nanoTime() - lastCatchUp > catchUpEvery.toNanos()) {
                    // What was written without a cluster to announce it (lock records, forget), or
                    // before the end of a partition read from now was fixed: by listing.
                    copier.catchUp();
                    lastCatchUp = System.nanoTime();
                }
            }
        }
    }

    private void apply(VaultEvent e) {
        ObjectKind kind;
        try {
            kind = ObjectKind.valueOf(e.getKind());
        } catch (IllegalArgumentException ex) {
            LOG.warn("vault event of unknown kind {} skipped", e.getKind());
            return;
        }
        if (e.getOp() == VaultOp.PUT) {
            copier.written(kind, e.getId());
        } else {
            copier.deleted(kind, e.getId());
        }
    }
}
