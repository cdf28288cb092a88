package io.streamvault.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.catalog.CatalogSettings;
import io.streamvault.catalog.CatalogTopology;
import io.streamvault.schemas.AvroSerde;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task revived after a failure: Kafka Streams closes it and initialises the same processor again. */
class AssemblerProcessorTest {
    private static final String JOB = "job-1";
    private final SchemaRegistry registry = SchemaRegistries.inMemory();
    @TempDir
    Path tmp;

    /** A context with empty stores: a revived task's stores are put back to its last commit (here, before the job). */
    private MockProcessorContext<Object, Object> context() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000L);
        KeyValueStore<?, ?> jobs = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CatalogTopology.JOBS_STORE),
                Serdes.String(), AvroSerde.forValues(registry, CatalogJob.class)).withLoggingDisabled().build();
        KeyValueStore<?, ?> entries = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CatalogTopology.ENTRIES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        KeyValueStore<?, ?> gc = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CatalogTopology.GC_STORE),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        for (KeyValueStore<?, ?> store : List.of(jobs, entries, gc)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return context;
    }

    /** An empty job, which seals at its root directory's record. */
    private void emptyJob(Topics topics, MockProcessorContext<Object, Object> context, AssemblerProcessor processor) {
        ByteBuffer root = ByteBuffer.wrap("root".getBytes(StandardCharsets.UTF_8));
        JobStarted started = JobStarted.newBuilder().setJob(JOB).setRoot(ByteBuffer.wrap("/data".getBytes()))
                .setHost("h").setTimeNs(1_000).setTags(List.of()).build();
        NodeRecord node = NodeRecord.newBuilder().setName(root).setType(NodeType.DIR).setMode(0755).setUid(1).setGid(2)
                .setSize(0).setMtimeNs(1).setAtimeNs(0).setCtimeNs(1).setInode(1L).setDev(1).setNlink(1)
                .setContent(List.of()).setXattrs(List.of()).build();
        DirScanned dir = DirScanned.newBuilder().setJob(JOB).setRel(ByteBuffer.allocate(0)).setNode(node).setEntries(0)
                .setSubdirs(0).setWorker("scan-1").build();
        byte[] key = JOB.getBytes(StandardCharsets.UTF_8);
        context.setRecordMetadata(topics.jobs.name(), 0, 0L);
        processor.process(new Record<>(key, topics.jobs.valueSerde().serializer().serialize(topics.jobs.name(), started), 1L));
        context.setRecordMetadata(topics.dirScans.name(), 0, 1L);
        processor.process(new Record<>(key, topics.dirScans.valueSerde().serializer().serialize(topics.dirScans.name(), dir),
                2L));
    }

    private static List<JobState> states(MockProcessorContext<Object, Object> context) {
        return context.forwarded().stream().map(f -> f.record().value()).filter(v -> v instanceof JobStatus)
                .map(v -> ((JobStatus) v).getState()).toList();
    }

    private static long scheduled(MockProcessorContext<Object, Object> context) {
        return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).count();
    }

    @Test
    void aRevivedTaskSealsTheJobItsAbortedTransactionHadSealedAndSchedulesEachPunctuationOnce() {
        try (Vault vault = Vault.init(Storages.open(tmp.resolve("vault").toString()), "pw".toCharArray(),
                VaultOptions.defaults().withKdfLogN(10))) {
            Topics topics = new Topics("sv", vault.id(), 4, (short) 1, registry);
            AssemblerProcessor processor = new AssemblerProcessor(topics, new Sealer(vault, new TreeIndex(vault), 1 << 20,
                    id -> { }), AvroSerde.forValues(registry, NodeRecord.class),
                    new CatalogSettings(1 << 20, 1000, 2, 3_600_000), new CatalogMeters(new SimpleMeterRegistry()));
            MockProcessorContext<Object, Object> first = context();
            processor.init(first);
            emptyJob(topics, first, processor);
            assertEquals(List.of(JobState.SEALED), states(first));

            // The transaction that sealed it aborts: the task is closed, its stores are put back to the last
            // commit, and the same processor is initialised again; the job's records come again.
            processor.close();
            assertEquals(0, scheduled(first), "a punctuation of the closed task is left scheduled");
            MockProcessorContext<Object, Object> second = context();
            processor.init(second);
            processor.init(second); // (an init without a close before it keeps no punctuation twice either)
            assertEquals(2, scheduled(second)); // the hourly expiry and the first progress report and sweep
            emptyJob(topics, second, processor);
            assertEquals(List.of(JobState.SEALED), states(second), "the job was held sealed from the aborted transaction");
            List<Duration> intervals = second.scheduledPunctuators().stream().filter(p -> !p.cancelled())
                    .map(CapturedPunctuator::getInterval).toList();
            assertTrue(intervals.contains(Duration.ofHours(1)), intervals.toString());
        }
    }
}
