package io.streamvault.dedup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.dedup.DedupSettings;
import io.streamvault.dedup.DedupTopology;
import io.streamvault.schemas.AvroSerde;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkState;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.InMemoryKeyValueStore;
import org.junit.jupiter.api.Test;

/** What a record's processing leaves when it fails halfway, as a revived task meets it. */
class DedupProcessorTest {
    private final SchemaRegistry registry = SchemaRegistries.inMemory();
    private final Topics topics = new Topics("sv", "0123456789abcdef", 4, (short) 1, registry);
    /** Puts left before the chunk state's store throws (as a changelog write that timed out does); -1 never. */
    private int putsBeforeFailure = -1;

    private final class FailingStore extends InMemoryKeyValueStore {
        FailingStore(String name) {
            super(name);
        }

        @Override
        public synchronized void put(Bytes key, byte[] value) {
            if (putsBeforeFailure == 0) {
                putsBeforeFailure = -1;
                throw new TimeoutException("the changelog write timed out");
            }
            if (putsBeforeFailure > 0) {
                putsBeforeFailure--;
            }
            super.put(key, value);
        }
    }

    private static byte[] id(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        return b;
    }

    private static ChunkRecord chunk(int n) {
        ChunkSource source = new ChunkSource(ByteBuffer.wrap(("/f" + n).getBytes()), 0L, 10, ByteBuffer.wrap(new byte[0]),
                ByteBuffer.wrap(("f" + n).getBytes()), 0, 0);
        return new ChunkRecord(ByteBuffer.wrap(id(n)), "job", source, new ArrayList<>());
    }

    @Test
    void outputOfARecordThatFailedHalfwayNeverGoesOutWithALaterOne() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000L);
        KeyValueBytesStoreSupplier failing = new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return DedupTopology.STORE;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new FailingStore(DedupTopology.STORE);
            }

            @Override
            public String metricsScope() {
                return "in-memory";
            }
        };
        KeyValueStore<Bytes, ChunkState> state = Stores.keyValueStoreBuilder(failing, Serdes.Bytes(),
                AvroSerde.forValues(registry, ChunkState.class)).withLoggingDisabled().build();
        KeyValueStore<Bytes, byte[]> pending = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DedupTopology.PENDING_INDEX), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        state.init(context.getStateStoreContext(), state);
        pending.init(context.getStateStoreContext(), pending);
        context.addStateStore(state);
        context.addStateStore(pending);
        DedupProcessor processor = new DedupProcessor(topics, DedupSettings.of(60_000),
                new DedupMeters(new SimpleMeterRegistry()));
        processor.init(context);

        ChunkRecord batch = chunk(1);
        batch.getMore().addAll(List.of(chunk(2), chunk(3), chunk(4)));
        byte[] value = topics.chunks.valueSerde().serializer().serialize(topics.chunks.name(), batch);
        context.setRecordMetadata(topics.chunks.name(), 0, 0L);
        putsBeforeFailure = 2; // ids 1 and 2 are requested, then the third put fails
        assertThrows(TimeoutException.class, () -> processor.process(new Record<>(id(1), value, 0L)));
        assertEquals(List.of(), context.forwarded());

        // The next record (here a stored event of an id nobody waits for) sends only what it causes: nothing.
        ChunkStored stored = new ChunkStored(ByteBuffer.wrap(id(9)), StoreStatus.STORED, "", ByteBuffer.wrap(new byte[32]),
                0L, 10, 10, null, null, "w", 0L, new ArrayList<>());
        context.setRecordMetadata(topics.chunkStored.name(), 0, 0L);
        processor.process(new Record<>(id(9), topics.chunkStored.valueSerde().serializer()
                .serialize(topics.chunkStored.name(), stored), 0L));
        assertEquals(List.of(), context.forwarded(), "the failed record's upload requests went out");

        // The record processed again (its task revived): every id is requested, once, in one record.
        context.setRecordMetadata(topics.chunks.name(), 0, 0L);
        processor.process(new Record<>(id(1), value, 0L));
        assertEquals(1, context.forwarded().size());
        UploadRequest sent = (UploadRequest) context.forwarded().get(0).record().value();
        // (Ids 1 and 2 stayed pending in this store; a revived task's store is restored without them.)
        assertEquals(ByteBuffer.wrap(id(3)), sent.getId());
        assertEquals(List.of(ByteBuffer.wrap(id(4))), sent.getMore().stream().map(UploadRequest::getId).toList());
    }
}
