package io.streamvault.dedup;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.kafka.QuietCommit;
import io.streamvault.common.kafka.UnpositionedStores;
import io.streamvault.dedup.internal.DedupMeters;
import io.streamvault.dedup.internal.DedupProcessor;
import io.streamvault.schemas.AvroSerde;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The dedup topology, built by a pure function. Inputs {@code chunks} and {@code chunk-stored},
 * both keyed by chunk id and so co-partitioned: every id has exactly one owner task, which makes
 * dedup global without locks; and {@code gc-requests}, co-partitioned with them, through which
 * garbage collection makes the owner forget ids (docs/gc.md). State: {@value #STORE} (chunk id → pending or stored, RocksDB with a
 * changelog) and {@value #PENDING_INDEX} (issue time + id of pending chunks, for re-issuing
 * requests whose uploader died: local, without a changelog, found again by a scan of the chunk
 * states when a processor starts). Outputs: {@code upload-requests} (the first sighting of an id),
 * {@code chunk-acks} (to each job, when its references are resolved), {@code gc-replies} (ids spared
 * because an upload is in progress, and markers) and {@code dead-letters}. Lookups are counted in
 * {@code meters} (new and known chunks: the dedup ratio, docs/metrics.md).
 */
public final class DedupTopology {
    public static final String STORE = "chunk-state";
    public static final String PENDING_INDEX = "chunk-pending";
    static final String SOURCE_CHUNKS = "chunks";
    static final String SOURCE_STORED = "chunk-stored";
    static final String SOURCE_GC = "gc-requests";
    public static final String SINK_UPLOADS = "upload-requests";
    public static final String SINK_ACKS = "chunk-acks";
    public static final String SINK_DEAD = "dead-letters";
    public static final String SINK_GC = "gc-replies";

    private DedupTopology() {
    }

    public static Topology build(Topics topics, SchemaRegistry registry, DedupSettings settings, MeterRegistry meters) {
        DedupMeters counted = new DedupMeters(meters);
        Topology t = new Topology();
        t.addSource(SOURCE_CHUNKS, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.chunks.name());
        t.addSource(SOURCE_STORED, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.chunkStored.name());
        t.addSource(SOURCE_GC, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.gcRequests.name());
        t.addProcessor("dedup", QuietCommit.wrap(() -> new DedupProcessor(topics, settings, counted)), SOURCE_CHUNKS, SOURCE_STORED, SOURCE_GC);
        // Not cached: a chunk's PENDING and STORED states are rarely written within one commit
        // interval (the pack is written in between), so the record cache saved few changelog writes
        // and cost a third of the dedup thread's CPU (sorted-map upkeep and evictions).
        t.addStateStore(Stores.keyValueStoreBuilder(UnpositionedStores.persistent(STORE), Serdes.Bytes(),
                AvroSerde.forValues(registry, ChunkState.class)).withCachingDisabled(), "dedup");
        t.addStateStore(Stores.keyValueStoreBuilder(UnpositionedStores.persistent(PENDING_INDEX), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled(), "dedup");
        t.addSink(SINK_UPLOADS, topics.uploadRequests.name(), topics.uploadRequests.keySerde().serializer(),
                topics.uploadRequests.valueSerde().serializer(), "dedup");
        t.addSink(SINK_ACKS, topics.chunkAcks.name(), topics.chunkAcks.keySerde().serializer(),
                topics.chunkAcks.valueSerde().serializer(), "dedup");
        t.addSink(SINK_DEAD, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
                topics.deadLetters.valueSerde().serializer(), "dedup");
        t.addSink(SINK_GC, topics.gcReplies.name(), topics.gcReplies.keySerde().serializer(),
                topics.gcReplies.valueSerde().serializer(), "dedup");
        return t;
    }
}
