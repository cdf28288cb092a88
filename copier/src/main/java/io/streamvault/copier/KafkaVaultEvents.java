package io.streamvault.copier;

import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.VaultEvent;
import io.streamvault.schemas.records.VaultOp;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.VaultEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the vault's writes and deletions on {@code vault-events}, in the order this process
 * makes them (one producer: its records keep their order per partition). Sent without waiting for
 * the broker: announcing must not slow a write (a collection deletes hundreds of packs), and copies
 * are correct without any announcement (they find every object by listing; the events only make
 * them come sooner). One that cannot be made is logged. Plans are announced too; copies do not copy
 * them.
 */
public final class KafkaVaultEvents implements VaultEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaVaultEvents.class);
    private final Topics topics;
    private final String writer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<VaultEvent> serializer;
    private final AtomicLong lost = new AtomicLong();

    public KafkaVaultEvents(KafkaProps props, Topics topics, String writer) {
        this.topics = topics;
        this.writer = writer;
        this.producer = new KafkaProducer<>(props.producer(writer + ".vault-events"));
        this.serializer = topics.vaultEvents.valueSerde().serializer();
    }

    @Override
    public void written(ObjectKind kind, String id, long size) {
        send(VaultOp.PUT, kind, id, size);
    }

    @Override
    public void deleted(ObjectKind kind, String id) {
        send(VaultOp.DELETE, kind, id, 0);
    }

    private void send(VaultOp op, ObjectKind kind, String id, long size) {
        VaultEvent e = VaultEvent.newBuilder()
                .setOp(op)
                .setKind(kind.name())
                .setId(id)
                .setSize(size)
                .setTimeMs(System.currentTimeMillis())
                .setWriter(writer)
                .build();
        String name = topics.vaultEvents.name();
        try {
            producer.send(new ProducerRecord<>(name, kind.objectName(id).getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(name, e)), (meta, failure) -> {
                        if (failure != null) {
                            lostOne(kind.objectName(id), name, failure);
                        }
                    });
        } catch (KafkaException ke) {
            lostOne(kind.objectName(id), name, ke);
        }
    }

    /**
     * An announcement that could not be made is logged, not failed: the write itself is done (failing
     * it now would fail a backup whose snapshot is already listed), and a copy does not rest on the
     * events (a snapshot is written only after every index object the source has then; the copier's
     * next catch-up finds the object).
     */
    private void lostOne(String object, String topic, Exception failure) {
        if (lost.getAndIncrement() % 1000 == 0) {
            LOG.warn("could not announce {} on {} ({}); copies find it by listing", object, topic, failure.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
