package io.streamvault.dedup;

import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.util.Hex;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Vault;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Rebuilds the dedup store from the vault alone: every DATA blob of every index object becomes a
 * STORED event on {@code chunk-stored}, so the dedup topology knows again every chunk the vault
 * holds (with its pack and place) and nothing is uploaded twice after the working state was lost.
 * Replaying it is harmless: a stored event for a stored chunk changes nothing.
 */
public final class StoreSeeder {
    private StoreSeeder() {
    }

    /** Publishes one stored event per data blob; returns how many. {@code progress} hears the count now and then. */
    public static long seed(KafkaProps props, Topics topics, Vault vault, LongConsumer progress) {
        AtomicLong n = new AtomicLong();
        Serializer<ChunkStored> values = topics.chunkStored.valueSerde().serializer();
        String topic = topics.chunkStored.name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props.producer(topics.groupId("seeder")))) {
            for (String index : vault.listIndex()) {
                vault.readIndex(index, loc -> {
                    if (loc.type() != BlobType.DATA) {
                        return;
                    }
                    byte[] id = loc.id().bytes();
                    ChunkStored stored = ChunkStored.newBuilder()
                            .setId(ByteBuffer.wrap(id))
                            .setStatus(StoreStatus.STORED)
                            .setPack(ByteBuffer.wrap(Hex.parse(loc.pack())))
                            .setOffset(loc.offset())
                            .setLength(loc.length())
                            .setRawLength(loc.rawLength())
                            .setWorker("seeder")
                            .build();
                    producer.send(new ProducerRecord<>(topic, id, values.serialize(topic, stored)));
                    if (n.incrementAndGet() % 100_000 == 0) {
                        progress.accept(n.get());
                    }
                });
            }
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
        progress.accept(n.get());
        return n.get();
    }
}
