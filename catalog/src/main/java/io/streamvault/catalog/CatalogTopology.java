package io.streamvault.catalog;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.catalog.internal.AssemblerProcessor;
import io.streamvault.catalog.internal.CatalogMeters;
import io.streamvault.catalog.internal.Sealer;
import io.streamvault.common.kafka.QuietCommit;
import io.streamvault.common.kafka.UnpositionedStores;
import io.streamvault.schemas.AvroSerde;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The catalog topology, built by a pure function. Inputs, all keyed by job and so co-partitioned:
 * {@code jobs}, {@code dir-scans}, {@code file-manifests}, {@code chunk-acks}, and garbage
 * collection's {@code gc-control}. State: {@value #JOBS_STORE} (job → counters and options),
 * {@value #ENTRIES_STORE} (the job's entries until it is sealed) and {@value #GC_STORE} (the run, if
 * any, during which seals reuse no existing tree; docs/gc.md). Outputs: {@code job-status}
 * (progress, SEALED with the snapshot id, FAILED), {@code file-events} (a file to read again when
 * its content changed before upload), {@code gc-replies} and {@code dead-letters}. Sealing writes
 * trees, their index and the snapshot to the vault. The backups it ends, and those it holds running,
 * are counted in {@code meters} (docs/metrics.md).
 */
public final class CatalogTopology {
    public static final String JOBS_STORE = "jobs";
    public static final String ENTRIES_STORE = "entries";
    public static final String GC_STORE = "gc-mode";
    public static final String SINK_STATUS = "job-status";
    public static final String SINK_DEAD = "dead-letters";
    public static final String SINK_REREADS = "file-events";
    public static final String SINK_GC = "gc-replies";

    private CatalogTopology() {
    }

    public static Topology build(Topics topics, SchemaRegistry registry, Vault vault, CatalogSettings settings,
            MeterRegistry meters) {
        return build(topics, registry, vault, settings, id -> { }, meters);
    }

    /**
     * @param sealed told the id of every snapshot the topology seals, right after it is written (must not block)
     * @param meters where the catalog counts its work (docs/metrics.md)
     */
    public static Topology build(Topics topics, SchemaRegistry registry, Vault vault, CatalogSettings settings,
            Consumer<String> sealed, MeterRegistry meters) {
        CatalogMeters counted = new CatalogMeters(meters);
        Topology t = new Topology();
        String[] sources = {"src-jobs", "src-dirs", "src-files", "src-acks", "src-gc"};
        String[] names = {topics.jobs.name(), topics.dirScans.name(), topics.fileManifests.name(),
            topics.chunkAcks.name(), topics.gcControl.name()};
        for (int i = 0; i < sources.length; i++) {
            t.addSource(sources[i], Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), names[i]);
        }
        AvroSerde<NodeRecord> nodeSerde = AvroSerde.forValues(registry, NodeRecord.class);
        Sealer sealer = new Sealer(vault, new TreeIndex(vault), settings.packBytes(), sealed);
        t.addProcessor("assembler", QuietCommit.wrap(() -> new AssemblerProcessor(topics, sealer, nodeSerde, settings, counted)),
                sources);
        t.addStateStore(Stores.keyValueStoreBuilder(UnpositionedStores.persistent(JOBS_STORE), Serdes.String(),
                AvroSerde.forValues(registry, CatalogJob.class)).withCachingEnabled(), "assembler");
        t.addStateStore(Stores.keyValueStoreBuilder(UnpositionedStores.persistent(ENTRIES_STORE), Serdes.Bytes(),
                Serdes.ByteArray()), "assembler");
        t.addStateStore(Stores.keyValueStoreBuilder(UnpositionedStores.persistent(GC_STORE), Serdes.String(),
                Serdes.String()), "assembler");
        t.addSink(SINK_STATUS, topics.jobStatus.name(), topics.jobStatus.keySerde().serializer(),
                topics.jobStatus.valueSerde().serializer(), "assembler");
        t.addSink(SINK_REREADS, topics.fileEvents.name(), topics.fileEvents.keySerde().serializer(),
                topics.fileEvents.valueSerde().serializer(), "assembler");
        t.addSink(SINK_DEAD, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
                topics.deadLetters.valueSerde().serializer(), "assembler");
        t.addSink(SINK_GC, topics.gcReplies.name(), topics.gcReplies.keySerde().serializer(),
                topics.gcReplies.valueSerde().serializer(), "assembler");
        return t;
    }
}
