package io.streamvault.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.RetryableException;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.StoreStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private final SchemaRegistry registry = SchemaRegistries.inMemory();

    @Test
    void everyKindOfRecordRoundTripsInTheConfluentWireFormat() {
        roundTrip(DirTask.class, Samples::dirTask);
        roundTrip(ChunkRecord.class, Samples::chunk);
        roundTrip(ChunkStored.class, Samples::stored);
        roundTrip(DeadLetter.class, Samples::deadLetter);
        roundTrip(FileManifest.class, Samples::manifest);
    }

    private <T extends SpecificRecord> void roundTrip(Class<T> type, IntFunction<T> sample) {
        AvroSerde<T> serde = AvroSerde.forValues(registry, type);
        String topic = "sv.v1." + type.getSimpleName();
        for (int i = 0; i < 6; i++) {
            T record = sample.apply(i);
            byte[] wire = serde.serializer().serialize(topic, record);
            assertEquals(0, wire[0], "magic byte");
            int id = ByteBuffer.wrap(wire, 1, 4).getInt();
            assertEquals(registry.subjectIds(topic + "-value"), List.of(id));
            assertEquals(record.getSchema(), registry.schemaById(id));
            assertEquals(record, serde.deserializer().deserialize(topic, wire));
        }
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<ChunkStored> serde = AvroSerde.forValues(registry, ChunkStored.class);
        assertNull(serde.serializer().serialize("t", null));
        assertNull(serde.deserializer().deserialize("t", null));
    }

    @Test
    void keysAreRegisteredUnderTheKeySubject() {
        AvroSerde<DirTask> keys = new AvroSerde<>(registry, DirTask.class, true);
        byte[] wire = keys.serializer().serialize("tasks", Samples.dirTask(1));
        assertEquals(List.of("tasks-key"), registry.subjects());
        assertEquals(Samples.dirTask(1), keys.deserializer().deserialize("tasks", wire));
    }

    @Test
    void theRegistryIsAskedOncePerTopicAndOncePerWriterSchema() {
        AtomicInteger registers = new AtomicInteger();
        AtomicInteger lookups = new AtomicInteger();
        SchemaRegistry counting = new Delegating(registry) {
            @Override
            public int register(String subject, Schema schema) {
                registers.incrementAndGet();
                return super.register(subject, schema);
            }

            @Override
            public Schema schemaById(int id) {
                lookups.incrementAndGet();
                return super.schemaById(id);
            }
        };
        AvroSerde<ChunkRecord> serde = AvroSerde.forValues(counting, ChunkRecord.class);
        for (int i = 0; i < 1000; i++) {
            String topic = i % 2 == 0 ? "a" : "b";
            ChunkRecord r = Samples.chunk(i);
            assertEquals(r, serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, r)));
        }
        assertEquals(2, registers.get(), "one registration per topic");
        assertEquals(1, lookups.get(), "one writer schema, fetched once for both topics");
        AvroSerde<ChunkRecord> fresh = AvroSerde.forValues(counting, ChunkRecord.class);
        byte[] wire = serde.serializer().serialize("a", Samples.chunk(1));
        for (int i = 0; i < 100; i++) {
            fresh.deserializer().deserialize("a", wire);
        }
        assertEquals(2, lookups.get(), "a new deserializer fetches it once more, then caches it");
    }

    @Test
    void aReaderWithAddedDefaultedFieldsReadsOldData() throws IOException {
        // ChunkStored as its first version might have been: id and status only.
        Schema old = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"ChunkStored\","
                + "\"namespace\":\"io.streamvault.schemas.records\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"bytes\"},"
                + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"StoreStatus\","
                + "\"symbols\":[\"STORED\",\"MISMATCH\",\"UNREADABLE\"]}}]}");
        GenericRecord r = new GenericData.Record(old);
        r.put("id", Samples.raw(1, 2, 3));
        r.put("status", new GenericData.EnumSymbol(old.getField("status").schema(), "MISMATCH"));
        byte[] wire = write(registry.register("stored-value", old), old, r);

        ChunkStored read = AvroSerde.forValues(registry, ChunkStored.class).deserializer().deserialize("stored", wire);
        assertEquals(Samples.raw(1, 2, 3), read.getId());
        assertEquals(StoreStatus.MISMATCH, read.getStatus());
        assertEquals("", read.getJob());
        assertNull(read.getPack());
        assertEquals(0L, read.getOffset());
        assertNull(read.getSource());
        assertEquals("", read.getWorker());
    }

    @Test
    void aReaderIgnoresFieldsANewerWriterAdded() throws IOException {
        Schema current = DeadLetter.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("retries", Schema.create(Schema.Type.INT), null, 0));
        Schema newer = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        GenericRecord r = new GenericData.Record(newer);
        DeadLetter expected = Samples.deadLetter(3);
        for (Schema.Field f : current.getFields()) {
            r.put(f.name(), expected.get(f.pos()));
        }
        r.put("retries", 7);
        byte[] wire = write(registry.register("dl-value", newer), newer, r);
        assertEquals(expected, AvroSerde.forValues(registry, DeadLetter.class).deserializer().deserialize("dl", wire));
    }

    @Test
    void recordsWrittenWhileTheNodeRecordWasNamedNodeAreRead() throws IOException {
        FileManifest manifest = Samples.manifest(2);
        assertEquals(manifest, readAsWrittenByOldNode("manifests", FileManifest.class, manifest));
        // In a union (the catalog's job store) a record branch is found by its name.
        CatalogJob job = CatalogJob.newBuilder().setJob("j").setRoot(manifest.getNode())
                .setProgress(JobProgress.newBuilder().build()).setState(JobState.RUNNING).build();
        assertEquals(job, readAsWrittenByOldNode("jobs", CatalogJob.class, job));
    }

    /**
     * {@code record} as a writer produced it when NodeRecord was named Node: the same bytes (names are
     * not encoded), under the id of the old schema (its definition and every reference to it renamed).
     * Read back with today's class.
     */
    private <T extends SpecificRecord> T readAsWrittenByOldNode(String topic, Class<T> type, T record)
            throws IOException {
        Schema old = new Schema.Parser().parse(record.getSchema().toString()
                .replace(",\"aliases\":[\"Node\"]", "").replace("\"NodeRecord\"", "\"Node\""));
        assertTrue(old.toString().contains("\"name\":\"Node\"") && !old.toString().contains("NodeRecord"));
        byte[] wire = write(registry.register(topic + "-value", old), record.getSchema(), (GenericRecord) record);
        return AvroSerde.forValues(registry, type).deserializer().deserialize(topic, wire);
    }

    @Test
    void aWriterSchemaTheReaderCannotResolveIsASerializationException() throws IOException {
        Schema lacksId = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"ChunkStored\","
                + "\"namespace\":\"io.streamvault.schemas.records\",\"fields\":[{\"name\":\"job\",\"type\":\"string\"}]}");
        GenericRecord r = new GenericData.Record(lacksId);
        r.put("job", "j");
        byte[] wire = write(registry.register("stored-value", lacksId), lacksId, r);
        SerializationException e = assertThrows(SerializationException.class,
                () -> AvroSerde.forValues(registry, ChunkStored.class).deserializer().deserialize("stored", wire));
        assertTrue(e.getMessage().contains("topic stored") && e.getMessage().contains("cannot be read as a ChunkStored"),
                e.getMessage());
    }

    @Test
    void malformedRecordsAreSerializationExceptionsNamingTopicAndProblem() {
        AvroSerde<ChunkRecord> serde = AvroSerde.forValues(registry, ChunkRecord.class);
        byte[] good = serde.serializer().serialize("chunks", Samples.chunk(5));
        byte[] unknownId = good.clone();
        unknownId[4] ^= 0x5a;
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] hugeLength = Arrays.copyOf(good, 5 + 5);
        hugeLength[5] = (byte) 0xfe; // zig-zag varint 2^31-1: a 2 GiB "bytes" field in 5 bytes
        hugeLength[6] = (byte) 0xff;
        hugeLength[7] = (byte) 0xff;
        hugeLength[8] = (byte) 0xff;
        hugeLength[9] = (byte) 0x0f;

        expectMalformed(serde, new byte[0], "fewer than the 5-byte header");
        expectMalformed(serde, new byte[] {0, 0, 0, 1}, "fewer than the 5-byte header");
        expectMalformed(serde, wrongMagic, "0x01, not the magic byte");
        expectMalformed(serde, unknownId, "is unknown");
        expectMalformed(serde, Arrays.copyOf(good, good.length - 3), "do not decode as a ChunkRecord");
        expectMalformed(serde, Arrays.copyOf(good, 5), "do not decode as a ChunkRecord");
        expectMalformed(serde, trailing, "left over");
        expectMalformed(serde, hugeLength, "do not decode as a ChunkRecord");
    }

    private static void expectMalformed(AvroSerde<?> serde, byte[] data, String problem) {
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("chunks", data));
        assertTrue(e.getMessage().startsWith("malformed record on topic chunks: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void randomDamageNeverEscapesAsAnythingButASerializationException() {
        AvroSerde<FileManifest> serde = AvroSerde.forValues(registry, FileManifest.class);
        byte[] good = serde.serializer().serialize("m", Samples.manifest(2));
        Random random = new Random(42);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[5 + random.nextInt(bad.length - 5)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bad = Arrays.copyOf(bad, 5 + random.nextInt(bad.length - 5));
            }
            try {
                serde.deserializer().deserialize("m", bad);
            } catch (SerializationException e) {
                assertTrue(e.getMessage().startsWith("malformed record on topic m: "), e.getMessage());
                rejected++;
            }
        }
        assertTrue(rejected > 5_000, "most damage is detected: " + rejected);
    }

    @Test
    void aRecordThatCannotBeEncodedIsASerializationException() {
        DirTask incomplete = new DirTask(); // job, root and rel are null but not nullable
        SerializationException e = assertThrows(SerializationException.class,
                () -> AvroSerde.forValues(registry, DirTask.class).serializer().serialize("tasks", incomplete));
        assertTrue(e.getMessage().contains("DirTask") && e.getMessage().contains("topic tasks"), e.getMessage());
    }

    @Test
    void anUnreachableRegistryIsNotTheRecordsFault() {
        byte[] wire = AvroSerde.forValues(registry, DirTask.class).serializer().serialize("t", Samples.dirTask(1));
        SchemaRegistry down = new Delegating(registry) {
            @Override
            public int register(String subject, Schema schema) {
                throw new RetryableException(ErrorCode.REGISTRY_ERROR, "registry down");
            }

            @Override
            public Schema schemaById(int id) {
                throw new RetryableException(ErrorCode.REGISTRY_ERROR, "registry down");
            }
        };
        AvroSerde<DirTask> serde = AvroSerde.forValues(down, DirTask.class);
        assertThrows(RetryableException.class, () -> serde.serializer().serialize("t", Samples.dirTask(1)));
        assertThrows(RetryableException.class, () -> serde.deserializer().deserialize("t", wire));
    }

    @Test
    void oneSerdeIsSafeToShareBetweenThreads() throws Exception {
        AvroSerde<FileManifest> serde = AvroSerde.forValues(registry, FileManifest.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String topic = "topic-" + (t % 2);
                jobs.add(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        FileManifest m = Samples.manifest(i);
                        byte[] wire = serde.serializer().serialize(topic, m);
                        if (!m.equals(serde.deserializer().deserialize(topic, wire))) {
                            return i;
                        }
                    }
                    return -1;
                });
            }
            for (Future<Integer> f : pool.invokeAll(jobs)) {
                assertEquals(-1, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void sameInputGivesTheSameBytes() {
        AvroSerde<ChunkStored> serde = AvroSerde.forValues(registry, ChunkStored.class);
        assertArrayEquals(serde.serializer().serialize("t", Samples.stored(4)),
                serde.serializer().serialize("t", Samples.stored(4)));
    }

    private static byte[] write(int id, Schema schema, GenericRecord r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    /** A registry that forwards every call, for tests that count or break some of them. */
    static class Delegating implements SchemaRegistry {
        private final SchemaRegistry inner;

        Delegating(SchemaRegistry inner) {
            this.inner = inner;
        }

        @Override
        public int register(String subject, Schema schema) {
            return inner.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            return inner.schemaById(id);
        }

        @Override
        public String location() {
            return inner.location();
        }

        @Override
        public void close() {
        }
    }
}
