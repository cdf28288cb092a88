package io.streamvault.copier;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.VaultEvent;
import io.streamvault.schemas.records.VaultOp;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.VaultEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Announces the vault's writes and deletions on {@code vault-events}. Each announcement is
 * acknowledged before the write it follows counts as done, so an object is on the topic before
 * anything that depends on it is written (a pack before its index object, an index object before
 * the snapshot). Plans are announced too; copies do not copy them.
 */
public final class KafkaVaultEvents implements VaultEvents, AutoCloseable {
    private final Topics topics;
    private final String writer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<VaultEvent> serializer;

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
                    serializer.serialize(name, e))).get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new FatalException(ErrorCode.CANCELLED, "interrupted while announcing " + kind.objectName(id), ie);
        } catch (ExecutionException ee) {
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "cannot announce " + kind.objectName(id)
                    + " on " + name + ": " + ee.getCause().getMessage(), ee.getCause());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
