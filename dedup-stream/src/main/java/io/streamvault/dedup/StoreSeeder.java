package io.streamvault.dedup;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.util.Hex;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Vault;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Rebuilds the dedup store from the vault alone: every DATA blob of every index object becomes a
 * STORED event on {@code chunk-stored}, so the dedup topology knows again every chunk the vault
 * holds (with its pack and place) and nothing is uploaded twice after the working state was lost.
 * Replaying it is harmless: a stored event for a stored chunk changes nothing. It writes with the
 * vault's maintenance transactional id, in transactions of {@link #BATCH} events: it fences a running
 * garbage collection (which then stops before deleting anything more) and is fenced by one that starts,
 * since an announcement of a chunk the collector just made dedup forget would let a backup reuse it.
 */
public final class StoreSeeder {
    /** Stored events per transaction. */
    static final int BATCH = 100_000;

    private StoreSeeder() {
    }

    /** Publishes one stored event per data blob; returns how many. {@code progress} hears the count now and then. */
    public static long seed(KafkaProps props, Topics topics, Vault vault, LongConsumer progress) {
        AtomicLong n = new AtomicLong();
        Serializer<ChunkStored> values = topics.chunkStored.valueSerde().serializer();
        String topic = topics.chunkStored.name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                props.transactionalProducer(topics.maintenanceTransactionalId()))) {
            producer.initTransactions();
            producer.beginTransaction();
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
                    if (n.incrementAndGet() % BATCH == 0) {
                        producer.commitTransaction();
                        producer.beginTransaction();
                        progress.accept(n.get());
                    }
                });
            }
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new FatalException(ErrorCode.FENCED, "announcing the vault's chunks to dedup stopped: a garbage"
                    + " collection of the vault started; run streamvault rebuild-index again after it", e);
        }
        progress.accept(n.get());
        return n.get();
    }
}
