package io.streamvault.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.ChunkBatches;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.AckStatus;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkState;
import io.streamvault.schemas.records.ChunkStatus;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.GcAction;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcReplyKind;
import io.streamvault.schemas.records.GcRequest;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.schemas.records.Waiter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupTopologyTest {
    private static final long TIMEOUT_MS = 60_000;
    @TempDir
    Path state;
    private TopologyTestDriver driver;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Topics topics;
    private TestInputTopic<byte[], ChunkRecord> chunks;
    private TestInputTopic<byte[], ChunkStored> stored;
    private TestInputTopic<byte[], byte[]> rawChunks;
    private TestOutputTopic<byte[], UploadRequest> uploads;
    private TestOutputTopic<String, ChunkAck> acks;
    private TestOutputTopic<byte[], DeadLetter> dead;

    @BeforeEach
    void setUp() {
        SchemaRegistry registry = SchemaRegistries.inMemory();
        topics = new Topics("sv", "0123456789abcdef", 4, (short) 1, registry);
        Properties p = new Properties();
        p.put("application.id", "dedup-test");
        p.put("bootstrap.servers", "unused:9092");
        p.put("state.dir", state.toString());
        p.put("processing.guarantee", "exactly_once_v2");
        driver = new TopologyTestDriver(DedupTopology.build(topics, registry, DedupSettings.of(TIMEOUT_MS), meters), p);
        chunks = driver.createInputTopic(topics.chunks.name(), topics.chunks.keySerde().serializer(),
                topics.chunks.valueSerde().serializer());
        rawChunks = driver.createInputTopic(topics.chunks.name(), topics.chunks.keySerde().serializer(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().serializer());
        stored = driver.createInputTopic(topics.chunkStored.name(), topics.chunkStored.keySerde().serializer(),
                topics.chunkStored.valueSerde().serializer());
        uploads = driver.createOutputTopic(topics.uploadRequests.name(), topics.uploadRequests.keySerde().deserializer(),
                topics.uploadRequests.valueSerde().deserializer());
        acks = driver.createOutputTopic(topics.chunkAcks.name(), topics.chunkAcks.keySerde().deserializer(),
                topics.chunkAcks.valueSerde().deserializer());
        dead = driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
                topics.deadLetters.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static byte[] id(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[31] = 7;
        return b;
    }

    private static ChunkSource source(String path, long offset) {
        return new ChunkSource(ByteBuffer.wrap(path.getBytes(StandardCharsets.UTF_8)), offset, 100,
                ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(path.getBytes(StandardCharsets.UTF_8)), 0, 0);
    }

    private void sight(int n, String job, String path) {
        chunks.pipeInput(id(n), chunk(n, job, path));
    }

    private static ChunkRecord chunk(int n, String job, String path) {
        return new ChunkRecord(ByteBuffer.wrap(id(n)), job, source(path, 0), new ArrayList<>());
    }

    private static ChunkStored storedEvent(int n, String job, String path) {
        return ChunkStored.newBuilder().setId(ByteBuffer.wrap(id(n))).setStatus(StoreStatus.STORED)
                .setJob(job).setPack(ByteBuffer.wrap(new byte[32])).setOffset(0).setLength(90).setRawLength(100)
                .setSource(source(path, 0)).setWorker("w1").build();
    }

    private void store(int n, String job, String path) {
        stored.pipeInput(id(n), storedEvent(n, job, path));
    }

    @Test
    void aBatchOfChunksIsAnsweredWithOneRecordEachWay() {
        sight(9, "old", "/a/nine");
        store(9, "old", "/a/nine");
        uploads.readValuesToList();
        acks.readValuesToList();
        // One record carries ids 1 to 4, id 1 twice (two files with the same content) and id 9, already stored.
        ChunkRecord batch = chunk(1, "j", "/b/one");
        for (int n : new int[] {2, 3, 1, 9, 4}) {
            batch.getMore().add(chunk(n, "j", "/b/" + n));
        }
        chunks.pipeInput(id(1), batch);
        List<UploadRequest> requests = uploads.readValuesToList();
        assertEquals(1, requests.size(), "one record of upload requests");
        UploadRequest head = requests.get(0);
        List<ByteBuffer> asked = new ArrayList<>(List.of(head.getId()));
        head.getMore().forEach(r -> asked.add(r.getId()));
        assertEquals(List.of(ByteBuffer.wrap(id(1)), ByteBuffer.wrap(id(2)), ByteBuffer.wrap(id(3)),
                ByteBuffer.wrap(id(4))), asked, "each new id asked for once");
        List<ChunkAck> known = acks.readValuesToList();
        assertEquals(1, known.size());
        assertEquals(ByteBuffer.wrap(id(9)), known.get(0).getId(), "the stored id is acknowledged at once");
        assertTrue(known.get(0).getMore().isEmpty());
        KeyValueStore<Bytes, ChunkState> store = driver.getKeyValueStore(DedupTopology.STORE);
        ChunkState pendingOne = store.get(Bytes.wrap(id(1)));
        assertNull(pendingOne.getRequest(), "the state keeps its source once, in its waiter");
        assertEquals(2, pendingOne.getWaiters().get(0).getCount());
        assertEquals("/b/one", new String(Buffers.of(pendingOne.getWaiters().get(0).getSources().get(0).getPath()),
                StandardCharsets.UTF_8));

        // The uploader's events of one pack, in one record: one acknowledgement record for the job.
        ChunkStored events = storedEvent(1, "j", "/b/one");
        for (int n : new int[] {2, 3, 4}) {
            events.getMore().add(storedEvent(n, "j", "/b/" + n));
        }
        stored.pipeInput(id(1), events);
        List<ChunkAck> done = acks.readValuesToList();
        assertEquals(1, done.size(), "one acknowledgement record for the job");
        ChunkAck first = done.get(0);
        List<ChunkAck> all = new ArrayList<>(List.of(first));
        all.addAll(first.getMore());
        assertEquals(4, all.size());
        assertEquals(2, all.get(0).getCount(), "id 1 was seen twice");
        assertEquals(5, all.stream().mapToInt(ChunkAck::getCount).sum());
        for (int n = 1; n <= 4; n++) {
            assertEquals(ChunkStatus.STORED, store.get(Bytes.wrap(id(n))).getStatus());
        }
        assertTrue(uploads.isEmpty());
    }

    @Test
    void garbageCollectionForgetsStoredIdsSparesPendingOnesAndAnswersItsMarker() {
        TestInputTopic<byte[], GcRequest> gc = driver.createInputTopic(topics.gcRequests.name(),
                topics.gcRequests.keySerde().serializer(), topics.gcRequests.valueSerde().serializer());
        TestOutputTopic<String, GcReply> replies = driver.createOutputTopic(topics.gcReplies.name(),
                topics.gcReplies.keySerde().deserializer(), topics.gcReplies.valueSerde().deserializer());
        sight(1, "old", "/a/one");
        store(1, "old", "/a/one");
        sight(2, "running", "/a/two"); // an upload in progress: PENDING
        uploads.readValuesToList();
        acks.readValuesToList();
        byte[] run = "run-1".getBytes(StandardCharsets.UTF_8);
        gc.pipeInput(run, new GcRequest("run-1", GcAction.FORGET, 0,
                List.of(ByteBuffer.wrap(id(1)), ByteBuffer.wrap(id(2)), ByteBuffer.wrap(id(3)))));
        gc.pipeInput(run, new GcRequest("run-1", GcAction.MARKER, 0, List.of()));
        List<GcReply> out = replies.readValuesToList();
        assertEquals(2, out.size(), out.toString());
        assertEquals(GcReplyKind.SPARED, out.get(0).getKind());
        assertEquals(List.of(ByteBuffer.wrap(id(2))), out.get(0).getIds(), "only the pending id is spared");
        assertEquals(GcReplyKind.MARKER_DONE, out.get(1).getKind());
        assertEquals("run-1", out.get(1).getRun());

        KeyValueStore<Bytes, ChunkState> store = driver.getKeyValueStore(DedupTopology.STORE);
        assertNull(store.get(Bytes.wrap(id(1))), "the stored id is forgotten");
        // a later sighting of the forgotten id is new: it is uploaded again, not acknowledged as stored
        sight(1, "later", "/b/one");
        assertEquals(1, uploads.readValuesToList().size());
        assertTrue(acks.isEmpty());
        // the pending one still completes for the job that waits on it
        store(2, "running", "/a/two");
        assertEquals("running", acks.readValuesToList().get(0).getJob());
    }

    @Test
    void anUploadAskedForBeforeAForgetCannotMarkTheNewStateStored() {
        TestInputTopic<byte[], GcRequest> gc = driver.createInputTopic(topics.gcRequests.name(),
                topics.gcRequests.keySerde().serializer(), topics.gcRequests.valueSerde().serializer());
        sight(1, "first", "/a/one");
        UploadRequest old = uploads.readValue();
        stored.pipeInput(id(1), storedFor(old, "w1"));
        acks.readValuesToList();
        gc.pipeInput("run".getBytes(StandardCharsets.UTF_8), new GcRequest("run", GcAction.FORGET, 0,
                List.of(ByteBuffer.wrap(id(1)))));
        sight(1, "second", "/b/one"); // forgotten: asked for again, with a new generation
        UploadRequest fresh = uploads.readValue();
        assertTrue(fresh.getGeneration() != old.getGeneration());

        stored.pipeInput(id(1), storedFor(old, "slow")); // a late answer to the old request
        assertTrue(acks.isEmpty(), "a stale upload does not acknowledge the new waiter");
        KeyValueStore<Bytes, ChunkState> store = driver.getKeyValueStore(DedupTopology.STORE);
        assertEquals(ChunkStatus.PENDING, store.get(Bytes.wrap(id(1))).getStatus());
        stored.pipeInput(id(1), storedFor(fresh, "w2"));
        assertEquals("second", acks.readValue().getJob());
        assertEquals(ChunkStatus.STORED, store.get(Bytes.wrap(id(1))).getStatus());
    }

    private static ChunkStored storedFor(UploadRequest r, String worker) {
        return ChunkStored.newBuilder().setId(r.getId()).setStatus(StoreStatus.STORED).setJob(r.getJob())
                .setPack(ByteBuffer.wrap(new byte[32])).setOffset(0).setLength(90).setRawLength(100)
                .setSource(r.getSource()).setWorker(worker).setGeneration(r.getGeneration()).build();
    }

    @Test
    void twoJobsSendingTheSameIdInterleavedGiveExactlyOneUpload() {
        sight(1, "jobA", "/a/f");
        sight(1, "jobB", "/b/f");
        sight(1, "jobA", "/a/g");
        sight(1, "jobB", "/b/g");
        List<UploadRequest> requests = uploads.readValuesToList();
        assertEquals(1, requests.size());
        assertEquals("jobA", requests.get(0).getJob());
        assertTrue(acks.isEmpty(), "nothing is acknowledged before the chunk is stored");

        store(1, "jobA", "/a/f");
        List<ChunkAck> out = acks.readValuesToList();
        assertEquals(2, out.size());
        ChunkAck a = out.stream().filter(x -> x.getJob().equals("jobA")).findFirst().orElseThrow();
        ChunkAck b = out.stream().filter(x -> x.getJob().equals("jobB")).findFirst().orElseThrow();
        assertEquals(2, a.getCount());
        assertEquals(2, b.getCount());
        assertEquals(90, a.getBytesAdded(), "the requesting job pays for the upload");
        assertEquals(0, b.getBytesAdded());

        sight(1, "jobC", "/c/f");
        assertTrue(uploads.isEmpty(), "a stored chunk is never requested again");
        ChunkAck c = acks.readValue();
        assertEquals("jobC", c.getJob());
        assertEquals(AckStatus.STORED, c.getStatus());
        assertEquals(0, c.getBytesAdded());
        assertEquals(1, meters.get("streamvault.dedup.chunks").tag("result", "new").counter().count(), "one upload");
        assertEquals(4, meters.get("streamvault.dedup.chunks").tag("result", "known").counter().count(),
                "three sightings while pending, one once stored");
    }

    @Test
    void pendingChunkIsRequestedAgainAfterTheTimeout() {
        sight(2, "jobA", "/a/f");
        sight(2, "jobB", "/b/f");
        UploadRequest first = uploads.readValue();
        assertEquals(0, first.getAttempt());
        driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT_MS / 2));
        assertTrue(uploads.isEmpty(), "not before the timeout");
        driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT_MS));
        UploadRequest again = uploads.readValue();
        assertArrayEquals(id(2), Buffers.of(again.getId()));
        assertEquals(1, again.getAttempt());
        assertEquals("jobA", again.getJob(), "the same request again: its job, source and generation");
        assertEquals(first.getSource(), again.getSource());
        assertEquals(first.getGeneration(), again.getGeneration());
        driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT_MS + 1));
        assertEquals(2, uploads.readValue().getAttempt());
        store(2, "jobA", "/a/f");
        assertEquals(2, acks.readValuesToList().size(), "one acknowledgement per waiting job");
        driver.advanceWallClockTime(Duration.ofMillis(3 * TIMEOUT_MS));
        assertTrue(uploads.isEmpty(), "a stored chunk is not re-issued");
    }

    @Test
    void pendingChunksInTheStoreBeforeTheProcessorStartedAreRequestedAgainAfterTheTimeout() {
        // As a restart or a task moved here finds them: restored from the changelog, not sighted by this
        // processor. Among more stored states than one step of the scan reads, so that it must go on.
        KeyValueStore<Bytes, ChunkState> s = driver.getKeyValueStore(DedupTopology.STORE);
        long now = System.currentTimeMillis();
        for (int n = 0; n < 12_000; n++) {
            byte[] id = id(0);
            id[1] = (byte) (n >> 8);
            id[2] = (byte) n;
            s.put(Bytes.wrap(id), new ChunkState(ChunkStatus.STORED, now, 1, null, new ArrayList<>(), null, 5L));
        }
        byte[] late = id(200); // both sort after the stored ones: found by the scan's third step
        for (byte[] id : List.of(id(5), late)) {
            Waiter waiter = new Waiter("jobA", 1, new ArrayList<>(List.of(source("/a/f", 0))));
            s.put(Bytes.wrap(id), new ChunkState(ChunkStatus.PENDING, now, 1, null, new ArrayList<>(List.of(waiter)), null, 77L));
        }
        for (int step = 0; step < 4; step++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }
        driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT_MS / 2));
        assertTrue(uploads.isEmpty(), "not before the timeout");
        driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT_MS));
        List<UploadRequest> again = uploads.readValuesToList();
        assertEquals(List.of(ByteBuffer.wrap(id(5)), ByteBuffer.wrap(late)), again.stream().map(UploadRequest::getId).toList());
        assertEquals("jobA", again.get(0).getJob());
        assertEquals(77L, again.get(0).getGeneration());
        assertEquals(1, again.get(0).getAttempt());
        store(5, "jobA", "/a/f");
        assertEquals(AckStatus.STORED, acks.readValue().getStatus());
        driver.advanceWallClockTime(Duration.ofMillis(TIMEOUT_MS + 1));
        assertEquals(List.of(ByteBuffer.wrap(late)), uploads.readValuesToList().stream().map(UploadRequest::getId).toList(),
                "a stored chunk is not asked for again; the other one is, once more");
    }

    @Test
    void storedEventForAnUnknownIdIsAccepted() {
        store(3, "jobX", "/x");
        assertTrue(acks.isEmpty());
        KeyValueStore<Bytes, ChunkState> s = driver.getKeyValueStore(DedupTopology.STORE);
        assertEquals("STORED", s.get(Bytes.wrap(id(3))).getStatus().name());
        sight(3, "jobA", "/a/f");
        assertTrue(uploads.isEmpty());
        assertEquals(AckStatus.STORED, acks.readValue().getStatus());
    }

    @Test
    void tombstoneForgetsAnId() {
        sight(4, "jobA", "/a/f");
        uploads.readValue();
        store(4, "jobA", "/a/f");
        acks.readValue();
        stored.pipeInput(id(4), null);
        KeyValueStore<Bytes, ChunkState> s = driver.getKeyValueStore(DedupTopology.STORE);
        assertNull(s.get(Bytes.wrap(id(4))));
        sight(4, "jobB", "/b/f");
        assertEquals("jobB", uploads.readValue().getJob(), "a forgotten id is uploaded again when seen again");
    }

    @Test
    void malformedRecordGoesToTheDeadLetterTopicAndProcessingContinues() {
        rawChunks.pipeInput(id(5), new byte[] {0, 0, 0, 0, 9, 1, 2, 3});
        rawChunks.pipeInput(id(5), "not avro at all".getBytes(StandardCharsets.UTF_8));
        List<DeadLetter> dl = dead.readValuesToList();
        assertEquals(2, dl.size());
        assertEquals(topics.chunks.name(), dl.get(0).getTopic());
        assertTrue(dl.get(0).getError().length() > 0);
        assertArrayEquals("not avro at all".getBytes(StandardCharsets.UTF_8),
                Buffers.of(dl.get(1).getValue()));
        sight(5, "jobA", "/a/f");
        assertEquals(1, uploads.readValuesToList().size(), "the topology still works after bad records");
    }

    @Test
    void mismatchFailsThatReferenceAndAsksAnotherSource() {
        sight(6, "jobA", "/a/f");
        sight(6, "jobB", "/b/f");
        assertEquals("jobA", uploads.readValue().getJob());
        stored.pipeInput(id(6), ChunkStored.newBuilder().setId(ByteBuffer.wrap(id(6))).setStatus(StoreStatus.MISMATCH)
                .setJob("jobA").setSource(source("/a/f", 0)).setError("changed").build());
        ChunkAck failed = acks.readValue();
        assertEquals("jobA", failed.getJob());
        assertEquals(AckStatus.FAILED, failed.getStatus());
        UploadRequest retry = uploads.readValue();
        assertEquals("jobB", retry.getJob());
        assertEquals("/b/f", new String(Buffers.of(retry.getSource().getPath()), StandardCharsets.UTF_8));
        assertEquals(1, retry.getAttempt());
        driver.advanceWallClockTime(Duration.ofMillis(2 * TIMEOUT_MS));
        UploadRequest again = uploads.readValue();
        assertEquals("jobB", again.getJob(), "timed out: asked again from the source that replaced the failed one");
        assertEquals(retry.getSource(), again.getSource());
        assertEquals(2, again.getAttempt());
        store(6, "jobB", "/b/f");
        ChunkAck ok = acks.readValue();
        assertEquals("jobB", ok.getJob());
        assertEquals(AckStatus.STORED, ok.getStatus());
        assertTrue(acks.isEmpty());
    }

    /**
     * A job whose every kept source failed stays a waiter (it still references the chunk); when it
     * sights the chunk again, the request made from another job's source is still the one asked
     * again after the time-out, and that job still pays for the upload.
     */
    @Test
    void aWaiterWhoseSourcesFailedDoesNotTakeOverTheRequestWhenItSightsTheChunkAgain() {
        for (int i = 1; i <= 5; i++) {
            sight(8, "jobA", "/a/" + i); // four sources kept, the fifth only counted
        }
        sight(8, "jobB", "/b/1");
        uploads.readValuesToList();
        for (int i = 1; i <= 4; i++) {
            stored.pipeInput(id(8), ChunkStored.newBuilder().setId(ByteBuffer.wrap(id(8)))
                    .setStatus(StoreStatus.MISMATCH).setJob("jobA").setSource(source("/a/" + i, 0)).setError("changed")
                    .build());
        }
        List<UploadRequest> retries = uploads.readValuesToList();
        assertEquals("jobB", retries.get(retries.size() - 1).getJob(), "jobA has no source left");
        acks.readValuesToList();
        sight(8, "jobA", "/a/6");
        driver.advanceWallClockTime(Duration.ofMillis(2 * TIMEOUT_MS));
        UploadRequest again = uploads.readValue();
        assertEquals("jobB", again.getJob());
        assertEquals("/b/1", new String(Buffers.of(again.getSource().getPath()), StandardCharsets.UTF_8));
        store(8, "jobB", "/b/1");
        long paidByB = 0;
        long paidByA = 0;
        for (ChunkAck a : acks.readValuesToList()) {
            for (ChunkAck one : ChunkBatches.items(a, a.getMore())) {
                if (a.getJob().equals("jobB")) {
                    paidByB += one.getBytesAdded();
                } else {
                    paidByA += one.getBytesAdded();
                }
            }
        }
        assertEquals(90, paidByB, "the job whose source was read pays");
        assertEquals(0, paidByA);
    }
}
