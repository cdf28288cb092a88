package io.streamvault.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.fs.FileKind;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.AckStatus;
import io.streamvault.schemas.records.BatchedManifest;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.GcControl;
import io.streamvault.schemas.records.GcControlAction;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcReplyKind;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Trees;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTopologyTest {
    private static final String JOB = "job-1";
    private static final long RETENTION_MS = 3_600_000;
    @TempDir
    Path tmp;
    private Vault vault;
    private TopologyTestDriver driver;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Topics topics;
    private TestInputTopic<String, JobStarted> jobs;
    private TestInputTopic<String, DirScanned> dirs;
    private TestInputTopic<String, FileManifest> files;
    private TestInputTopic<String, ChunkAck> acks;
    private TestInputTopic<String, byte[]> rawFiles;
    private TestOutputTopic<String, JobStatus> status;
    private TestOutputTopic<byte[], DeadLetter> dead;

    @BeforeEach
    void setUp() {
        vault = Vault.init(Storages.open(tmp.resolve("vault").toString()), "pw".toCharArray(),
                VaultOptions.defaults().withKdfLogN(10));
        SchemaRegistry registry = SchemaRegistries.inMemory();
        topics = new Topics("sv", vault.id(), 4, (short) 1, registry);
        Properties p = new Properties();
        p.put("application.id", "catalog-test");
        p.put("bootstrap.servers", "unused:9092");
        p.put("state.dir", tmp.resolve("state").toString());
        p.put("processing.guarantee", "exactly_once_v2");
        driver = new TopologyTestDriver(CatalogTopology.build(topics, registry, vault, new CatalogSettings(1 << 20, 1000, 2, RETENTION_MS),
                meters), p);
        jobs = driver.createInputTopic(topics.jobs.name(), Serdes.String().serializer(), topics.jobs.valueSerde().serializer());
        dirs = driver.createInputTopic(topics.dirScans.name(), Serdes.String().serializer(), topics.dirScans.valueSerde().serializer());
        files = driver.createInputTopic(topics.fileManifests.name(), Serdes.String().serializer(),
                topics.fileManifests.valueSerde().serializer());
        rawFiles = driver.createInputTopic(topics.fileManifests.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        acks = driver.createInputTopic(topics.chunkAcks.name(), Serdes.String().serializer(), topics.chunkAcks.valueSerde().serializer());
        status = driver.createOutputTopic(topics.jobStatus.name(), Serdes.String().deserializer(),
                topics.jobStatus.valueSerde().deserializer());
        dead = driver.createOutputTopic(topics.deadLetters.name(), Serdes.ByteArray().deserializer(),
                topics.deadLetters.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        vault.close();
    }

    private static ByteBuffer b(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] chunk(int n) {
        byte[] id = new byte[32];
        id[0] = (byte) n;
        return id;
    }

    private static NodeRecord node(String name, NodeType type, long size, byte[]... content) {
        List<ByteBuffer> c = new ArrayList<>();
        for (byte[] id : content) {
            c.add(ByteBuffer.wrap(id));
        }
        return NodeRecord.newBuilder().setName(b(name)).setType(type).setMode(0644).setUid(1).setGid(2).setSize(size)
                .setMtimeNs(123_456_789_012L).setAtimeNs(0).setCtimeNs(5).setInode((long) name.hashCode()).setDev(1).setNlink(1)
                .setContent(c).setXattrs(List.of()).build();
    }

    private void dir(String rel, long entries, long subdirs) {
        String name = rel.isEmpty() ? "root" : rel.substring(rel.lastIndexOf('/') + 1);
        dirs.pipeInput(JOB, DirScanned.newBuilder().setJob(JOB).setRel(b(rel)).setNode(node(name, NodeType.DIR, 0))
                .setEntries(entries).setSubdirs(subdirs).setWorker("scan-1").build());
    }

    private void file(String dir, NodeRecord n, int part, int parts, int pending) {
        files.pipeInput(JOB, FileManifest.newBuilder().setJob(JOB).setDir(b(dir)).setNode(n).setOrigin(FileOrigin.NEW)
                .setPart(part).setParts(parts).setChunksPending(pending).setBytesRead(n.getSize()).setWorker("chunk-1").build());
    }

    private void ack(byte[] id, int count) {
        acks.pipeInput(JOB, new ChunkAck(JOB, ByteBuffer.wrap(id), AckStatus.STORED, count, 100L, null, null, "up-1",
                new ArrayList<>()));
    }

    private void start() {
        jobs.pipeInput(JOB, JobStarted.newBuilder().setJob(JOB).setRoot(b("/data/root")).setHost("h").setTimeNs(1_000)
                .setTags(List.of("t")).build());
    }

    private List<JobStatus> sealed() {
        return status.readValuesToList().stream().filter(s -> s.getState() != JobState.RUNNING).toList();
    }

    @Test
    void sealsOnlyWhenEveryCountMatchesWhateverTheOrder() {
        // acks first, then manifests, then directories, then the job: counting does not depend on order
        ack(chunk(1), 1);
        ack(chunk(2), 1);
        ack(chunk(3), 1);
        file("", node("a.txt", NodeType.FILE, 10, chunk(1)), 0, 1, 1);
        file("sub", node("big", NodeType.FILE, 30, chunk(3)), 1, 2, 1);
        assertTrue(sealed().isEmpty());
        assertEquals(1, meters.get("streamvault.catalog.backups.running").gauge().value(), "one backup is being assembled");
        file("sub", node("big", NodeType.FILE, 30, chunk(2)), 0, 2, 1);
        NodeRecord link = node("link", NodeType.SYMLINK, 4);
        link.setLinkTarget(b("a.txt"));
        file("", link, 0, 1, 0);
        dir("sub", 1, 0);
        assertTrue(sealed().isEmpty(), "root not scanned yet");
        dir("", 3, 1);
        assertTrue(sealed().isEmpty(), "job not started yet");
        start();
        List<JobStatus> done = sealed();
        assertEquals(1, done.size());
        JobStatus s = done.get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(2, s.getProgress().getFilesNew());
        assertEquals(0, meters.get("streamvault.catalog.backups.running").gauge().value());
        assertEquals(1, meters.get("streamvault.catalog.backups").tag("result", "sealed").counter().count());
        assertEquals(1, meters.get("streamvault.catalog.backup.duration").timer().count());
        assertEquals(40, s.getProgress().getBytesTotal());

        SnapshotRef snap = vault.loadSnapshot(s.getSnapshot());
        assertEquals("/data/root", new String(snap.snapshot().path(), StandardCharsets.UTF_8));
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, snap.snapshot().tree());
        assertEquals(1, top.nodes().size());
        Tree root = tree(index, top.nodes().get(0).subtree());
        assertEquals(List.of("a.txt", "link", "sub"), names(root));
        var sub = root.nodes().get(2);
        assertEquals(FileKind.DIR, sub.type());
        Tree subTree = tree(index, sub.subtree());
        var big = subTree.nodes().get(0);
        assertEquals(List.of(BlobId.of(chunk(2)), BlobId.of(chunk(3))), big.content(), "parts joined in order");
        assertEquals("a.txt", new String(root.nodes().get(1).linkTarget(), StandardCharsets.UTF_8));

        // late or repeated records of a sealed job change nothing
        ack(chunk(9), 1);
        assertTrue(sealed().isEmpty());
    }

    /** An empty job: its only tree (an empty directory) is the same whichever job makes it. */
    private void emptyJob(String job) {
        jobs.pipeInput(job, JobStarted.newBuilder().setJob(job).setRoot(b("/data/root")).setHost("h").setTimeNs(1_000)
                .setTags(List.of()).build());
        dirs.pipeInput(job, DirScanned.newBuilder().setJob(job).setRel(b("")).setNode(node("root", NodeType.DIR, 0))
                .setEntries(0).setSubdirs(0).setWorker("scan-1").build());
    }

    private long treeCopies() {
        long[] n = {0};
        vault.loadIndex().forEach(l -> n[0] += l.type() == BlobType.TREE ? 1 : 0);
        return n[0];
    }

    @Test
    void duringGarbageCollectionSealsWriteEveryTreeAgainAndAFencedJobFails() {
        TestInputTopic<String, GcControl> gc = driver.createInputTopic(topics.gcControl.name(),
                Serdes.String().serializer(), topics.gcControl.valueSerde().serializer());
        TestOutputTopic<String, GcReply> replies = driver.createOutputTopic(topics.gcReplies.name(),
                Serdes.String().deserializer(), topics.gcReplies.valueSerde().deserializer());
        emptyJob("job-a");
        assertEquals(JobState.SEALED, sealed().get(0).getState());
        long trees = treeCopies();
        emptyJob("job-b");
        sealed();
        assertEquals(trees, treeCopies(), "outside a collection an existing tree is reused");

        gc.pipeInput("run-1", new GcControl("run-1", GcControlAction.STRICT_ON, 0, null, null));
        assertEquals(GcReplyKind.STRICT_ACK, replies.readValue().getKind());
        emptyJob("job-c");
        assertEquals(JobState.SEALED, sealed().get(0).getState());
        assertTrue(treeCopies() > trees, "during a collection the seal writes its trees again");
        long during = treeCopies();

        start(); // job-1 runs; the collection fences it
        gc.pipeInput(JOB, new GcControl("run-1", GcControlAction.FENCE, 0, JOB, "still running after 1h"));
        JobStatus fenced = sealed().get(0);
        assertEquals(JobState.FAILED, fenced.getState());
        assertTrue(fenced.getError().contains("fenced by garbage collection run-1"), fenced.getError());
        dir("", 0, 0);
        assertTrue(sealed().isEmpty(), "a fenced job never seals");
        assertEquals(1, meters.get("streamvault.catalog.backups").tag("result", "failed").counter().count());
        assertEquals(3, meters.get("streamvault.catalog.backups").tag("result", "sealed").counter().count());
        assertEquals(0, meters.get("streamvault.catalog.backups.running").gauge().value());

        gc.pipeInput("run-1", new GcControl("run-1", GcControlAction.STRICT_OFF, 0, null, null));
        assertEquals(GcReplyKind.STRICT_OFF_ACK, replies.readValue().getKind());
        emptyJob("job-d");
        sealed();
        assertEquals(during, treeCopies(), "after the collection trees are reused again");
    }

    @Test
    void oneRecordOfAcknowledgementsCountsEveryOneItCarries() {
        start();
        dir("", 1, 0);
        file("", node("f", NodeType.FILE, 10, chunk(1), chunk(2), chunk(3), chunk(1)), 0, 1, 4);
        ChunkAck batch = new ChunkAck(JOB, ByteBuffer.wrap(chunk(1)), AckStatus.STORED, 2, 100L, null, null, "up-1",
                new ArrayList<>());
        batch.getMore().add(new ChunkAck(JOB, ByteBuffer.wrap(chunk(2)), AckStatus.STORED, 1, 100L, null, null, "up-1",
                new ArrayList<>()));
        acks.pipeInput(JOB, batch);
        assertTrue(sealed().isEmpty(), "three of the four references");
        batch.setMore(new ArrayList<>());
        batch.setId(ByteBuffer.wrap(chunk(3)));
        batch.setCount(1);
        acks.pipeInput(JOB, batch);
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(3, s.getProgress().getChunksNew());
    }

    @Test
    void waitsForTheLastAck() {
        start();
        dir("", 1, 0);
        file("", node("f", NodeType.FILE, 10, chunk(1), chunk(2)), 0, 1, 2);
        ack(chunk(1), 1);
        assertTrue(sealed().isEmpty());
        ack(chunk(2), 1);
        assertEquals(JobState.SEALED, sealed().get(0).getState());
    }

    @Test
    void aManifestThatCarriesAWholeDirectoryCountsEachEntryAsItsOwn() {
        start();
        dir("", 4, 0);
        NodeRecord link = node("link", NodeType.SYMLINK, 4);
        link.setLinkTarget(b("a"));
        files.pipeInput(JOB, FileManifest.newBuilder().setJob(JOB).setDir(b("")).setNode(node("a", NodeType.FILE, 10,
                chunk(1))).setOrigin(FileOrigin.NEW).setChunksPending(1).setBytesRead(10).setWorker("chunk-1")
                .setMore(List.of(new BatchedManifest(node("b", NodeType.FILE, 20, chunk(2)), FileOrigin.CHANGED, 1, 20L),
                        new BatchedManifest(node("c", NodeType.FILE, 30, chunk(1)), FileOrigin.UNMODIFIED, 0, 0L),
                        new BatchedManifest(link, FileOrigin.NEW, 0, 0L)))
                .build());
        ack(chunk(1), 1);
        assertTrue(sealed().isEmpty(), "b's chunk is still pending");
        ack(chunk(2), 1);
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(1, s.getProgress().getFilesNew());
        assertEquals(1, s.getProgress().getFilesChanged());
        assertEquals(1, s.getProgress().getFilesUnmodified());
        assertEquals(60, s.getProgress().getBytesTotal());
        assertEquals(30, s.getProgress().getBytesRead());
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree());
        Tree root = tree(index, top.nodes().get(0).subtree());
        assertEquals(List.of("a", "b", "c", "link"), names(root));
        assertEquals(List.of(BlobId.of(chunk(2))), root.nodes().get(1).content());
        assertEquals("a", new String(root.nodes().get(3).linkTarget(), StandardCharsets.UTF_8));
    }

    @Test
    void emptyDirectoryGivesAnEmptySnapshot() {
        start();
        dir("", 0, 0);
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree());
        assertTrue(tree(index, top.nodes().get(0).subtree()).nodes().isEmpty());
    }

    @Test
    void malformedRecordGoesToTheDeadLetterTopic() {
        start();
        dir("", 1, 0);
        rawFiles.pipeInput(JOB, new byte[] {0, 0, 0, 0, 1, 42});
        DeadLetter dl = dead.readValue();
        assertNotNull(dl);
        assertEquals(topics.fileManifests.name(), dl.getTopic());
        file("", node("f", NodeType.FILE, 0), 0, 1, 0);
        assertEquals(JobState.SEALED, sealed().get(0).getState(), "processing continues after a bad record");
    }

    @Test
    void aChunkWhoseSourceChangedBeforeUploadMakesTheFileBeReadAgain() {
        TestOutputTopic<byte[], FileEvent> rereads = driver.createOutputTopic(topics.fileEvents.name(),
                Serdes.ByteArray().deserializer(), topics.fileEvents.valueSerde().deserializer());
        start();
        dir("", 1, 0);
        file("", node("f", NodeType.FILE, 10, chunk(1), chunk(2)), 0, 1, 2);
        ack(chunk(1), 1);
        ChunkSource src = new ChunkSource(b("/data/root/f"), 0L, 5, b(""), b("f"), 0, 0);
        acks.pipeInput(JOB, new ChunkAck(JOB, ByteBuffer.wrap(chunk(2)), AckStatus.FAILED, 1, 0L, src, "changed", "",
                new ArrayList<>()));
        assertTrue(sealed().isEmpty(), "the job waits for the file to be read again");
        FileEvent again = rereads.readValue();
        assertEquals(1, again.getAttempt());
        assertEquals("f", new String(Buffers.of(again.getNode().getName()), StandardCharsets.UTF_8));
        assertEquals("/data/root", new String(Buffers.of(again.getRoot()), StandardCharsets.UTF_8));
        files.pipeInput(JOB, FileManifest.newBuilder().setJob(JOB).setDir(b("")).setNode(node("f", NodeType.FILE, 12, chunk(3)))
                .setOrigin(FileOrigin.CHANGED).setAttempt(1).setChunksPending(1).setBytesRead(12).setWorker("chunk-1").build());
        assertTrue(sealed().isEmpty());
        ack(chunk(3), 1);
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(1, s.getProgress().getFilesNew(), "a re-read is not a second file");
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree());
        var f = tree(index, top.nodes().get(0).subtree()).nodes().get(0);
        assertEquals(List.of(BlobId.of(chunk(3))), f.content(), "the content read the second time");
        assertTrue(!f.changedDuringBackup());
    }

    @Test
    void aChunkThatCannotBeStoredLeavesTheFileMarkedChangedWithoutContent() {
        start();
        dir("", 1, 0);
        file("", node("f", NodeType.FILE, 10, chunk(1)), 0, 1, 1);
        acks.pipeInput(JOB, new ChunkAck(JOB, ByteBuffer.wrap(chunk(1)), AckStatus.FAILED, 1, 0L, null, "gone", "",
                new ArrayList<>()));
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(1, s.getWarningsTotal());
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree());
        var f = tree(index, top.nodes().get(0).subtree()).nodes().get(0);
        assertTrue(f.changedDuringBackup());
        assertTrue(f.content().isEmpty(), "never a reference to a chunk that is not stored");
        assertTrue(vault.loadSnapshot(s.getSnapshot()).snapshot().incomplete());
    }

    @Test
    void aDirectoryThatReusesItsParentTreeGetsTheSameTreeWithoutItsFilesSentAgain() {
        start();
        dir("", 2, 1);
        dir("sub", 2, 0);
        file("", node("top.txt", NodeType.FILE, 0), 0, 1, 0);
        file("sub", node("a", NodeType.FILE, 0), 0, 1, 0);
        file("sub", node("b", NodeType.SYMLINK, 0), 0, 1, 0);
        JobStatus first = sealed().get(0);
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(first.getSnapshot()).snapshot().tree());
        BlobId contents = top.nodes().get(0).subtree();
        BlobId sub = tree(index, contents).nodes().get(0).subtree();

        // job-2: the root keeps its one file, sub keeps both entries; only the directories are sent.
        String job = "job-2";
        jobs.pipeInput(job, JobStarted.newBuilder().setJob(job).setRoot(b("/data/root")).setHost("h").setTimeNs(2_000)
                .setTags(List.of()).build());
        dirs.pipeInput(job, DirScanned.newBuilder().setJob(job).setRel(b("")).setNode(node("root", NodeType.DIR, 0))
                .setEntries(1).setSubdirs(1).setFiles(1).setWorker("scan-1")
                .setReusedTree(ByteBuffer.wrap(contents.bytes())).setReusedFiles(1).setReusedBytes(0).build());
        assertTrue(sealed().isEmpty(), "sub is still expected");
        dirs.pipeInput(job, DirScanned.newBuilder().setJob(job).setRel(b("sub")).setNode(node("sub", NodeType.DIR, 0))
                .setEntries(0).setSubdirs(0).setFiles(1).setWorker("scan-1")
                .setReusedTree(ByteBuffer.wrap(sub.bytes())).setReusedFiles(1).setReusedBytes(0).build());
        JobStatus second = sealed().get(0);
        assertEquals(JobState.SEALED, second.getState());
        assertEquals(2, second.getProgress().getFilesUnmodified());
        assertEquals(vault.loadSnapshot(first.getSnapshot()).snapshot().tree(),
                vault.loadSnapshot(second.getSnapshot()).snapshot().tree(), "the same Merkle tree");
    }

    /** The status goes out first; the job's entries are deleted by the next progress punctuation. */
    @Test
    void aSealedJobsEntriesAreDeletedAfterItsStatus() {
        start();
        dir("", 2, 0);
        file("", node("a", NodeType.FILE, 10, chunk(1)), 0, 1, 1);
        file("", node("b", NodeType.FILE, 10, chunk(2)), 0, 1, 1);
        ack(chunk(1), 1);
        ack(chunk(2), 1);
        KeyValueStore<Bytes, byte[]> entries =
                driver.getKeyValueStore(CatalogTopology.ENTRIES_STORE);
        assertEquals(JobState.SEALED, sealed().get(0).getState());
        assertEquals(2, count(entries), "still there when the status goes out");
        driver.advanceWallClockTime(Duration.ofMillis(1000));
        assertEquals(0, count(entries), "deleted at the next punctuation");
    }

    private static int count(KeyValueStore<Bytes, byte[]> store) {
        int n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void theJobsStateKeepsNotItsChangedDirectories() {
        jobs.pipeInput(JOB, JobStarted.newBuilder().setJob(JOB).setRoot(b("/data/root")).setHost("h").setTimeNs(1_000)
                .setTags(List.of("t")).setChangedDirs(List.of(b("a"), b("a/b"))).build());
        KeyValueStore<String, CatalogJob> store = driver.getKeyValueStore(CatalogTopology.JOBS_STORE);
        assertEquals(b("/data/root"), store.get(JOB).getStarted().getRoot());
        assertNull(store.get(JOB).getStarted().getChangedDirs(), "the scanners' business, not the seal's");
        dir("", 0, 0);
        assertEquals(JobState.SEALED, sealed().get(0).getState());
    }

    @Test
    void sealedJobsAreForgottenAfterTheRetentionRunningOnesAreKept() {
        start();
        dir("", 0, 0);
        assertEquals(JobState.SEALED, sealed().get(0).getState());
        jobs.pipeInput("job-2", JobStarted.newBuilder().setJob("job-2").setRoot(b("/data/other")).setHost("h")
                .setTimeNs(2_000).setTags(List.of()).build());
        KeyValueStore<String, CatalogJob> store = driver.getKeyValueStore(CatalogTopology.JOBS_STORE);
        assertNotNull(store.get(JOB));
        driver.advanceWallClockTime(Duration.ofMillis(RETENTION_MS / 2));
        assertNotNull(store.get(JOB), "kept within the retention");
        driver.advanceWallClockTime(Duration.ofMillis(RETENTION_MS + 1000));
        assertNull(store.get(JOB), "a sealed job is forgotten after the retention");
        assertNotNull(store.get("job-2"), "a running job is never forgotten");
    }

    /** A manifest of {@code nodes} (first readings, no chunk pending) in one record: the first, and the rest in {@code more}. */
    private void batch(String job, String dir, List<NodeRecord> nodes) {
        List<BatchedManifest> more = new ArrayList<>();
        for (NodeRecord n : nodes.subList(1, nodes.size())) {
            more.add(new BatchedManifest(n, FileOrigin.NEW, 0, n.getSize()));
        }
        files.pipeInput(job, FileManifest.newBuilder().setJob(job).setDir(b(dir)).setNode(nodes.get(0))
                .setOrigin(FileOrigin.NEW).setBytesRead(nodes.get(0).getSize()).setWorker("chunk-1").setMore(more).build());
    }

    /**
     * A batch is one entry in the store, keyed by its highest name. The scanner's two kinds of batch
     * (files to read, manifests it sends itself) interleave in name order with single entries; the
     * seal must still see every name once, in order, in a directory big enough to be split, which
     * cuts parts in the order the names arrive.
     */
    @Test
    void batchesInterleavedWithSingleEntriesGiveEveryNameOnceInOrder() {
        int count = Trees.SPLIT_ABOVE + 3000;
        start();
        dir("", count + 1, 1);
        dir("sub", 2, 0);
        batch(JOB, "sub", List.of(node("y", NodeType.FILE, 1), node("x", NodeType.FILE, 2)));
        List<List<NodeRecord>> kinds = List.of(new ArrayList<>(), new ArrayList<>());
        int stored = 4; // the directory sub, its batch, the last batch of each kind below
        for (int i = count - 1; i >= 0; i--) { // arrival order is not key order
            NodeRecord n = node(String.format("file-%06d", i), NodeType.FILE, i % 7);
            if (i % 3 == 0) {
                file("", n, 0, 1, 0);
                stored++;
                continue;
            }
            List<NodeRecord> run = kinds.get(i % 3 - 1);
            run.add(n);
            if (run.size() == 256) {
                batch(JOB, "", run);
                run.clear();
                stored++;
            }
        }
        batch(JOB, "", kinds.get(0));
        batch(JOB, "", kinds.get(1));
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(CatalogTopology.ENTRIES_STORE);
        assertEquals(stored, count(entries), "a batch is one entry");
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(count + 2, s.getProgress().getFilesNew());
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree());
        Tree contents = tree(index, top.nodes().get(0).subtree());
        assertTrue(contents.split(), "split into parts");
        List<String> names = new ArrayList<>();
        Tree sub = null;
        for (var n : Trees.nodes(contents, id -> tree(index, id))) {
            names.add(new String(n.name(), StandardCharsets.UTF_8));
            if (n.type() == FileKind.DIR) {
                sub = tree(index, n.subtree());
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(String.format("file-%06d", i));
        }
        expected.add("sub");
        assertEquals(expected, names);
        assertNotNull(sub);
        assertEquals(List.of("x", "y"), names(sub));
        for (BlobId part : contents.parts()) {
            Tree t = tree(index, part);
            assertTrue(Trees.isPartBoundary(t.nodes().get(0).name()) || part.equals(contents.parts().get(0))
                    || t.nodes().size() == Trees.MAX_PART, "each part but the first starts at a boundary name");
        }
    }

    @Test
    void aBatchedFileWhoseChunkChangedBeforeUploadIsReadAgainAndReplaced() {
        TestOutputTopic<byte[], FileEvent> rereads = driver.createOutputTopic(topics.fileEvents.name(),
                Serdes.ByteArray().deserializer(), topics.fileEvents.valueSerde().deserializer());
        start();
        dir("", 3, 0);
        files.pipeInput(JOB, FileManifest.newBuilder().setJob(JOB).setDir(b("")).setNode(node("a", NodeType.FILE, 10,
                chunk(1))).setOrigin(FileOrigin.NEW).setChunksPending(1).setBytesRead(10).setWorker("chunk-1")
                .setMore(List.of(new BatchedManifest(node("z", NodeType.FILE, 10, chunk(4)), FileOrigin.NEW, 1, 10L),
                        new BatchedManifest(node("f", NodeType.FILE, 10, chunk(2)), FileOrigin.NEW, 1, 10L)))
                .build());
        ack(chunk(1), 1);
        ack(chunk(4), 1);
        ChunkSource src = new ChunkSource(b("/data/root/f"), 0L, 10, b(""), b("f"), 0, 0);
        acks.pipeInput(JOB, new ChunkAck(JOB, ByteBuffer.wrap(chunk(2)), AckStatus.FAILED, 1, 0L, src, "changed", "",
                new ArrayList<>()));
        FileEvent again = rereads.readValue();
        assertEquals("f", new String(Buffers.of(again.getNode().getName()), StandardCharsets.UTF_8),
                "found in its batch");
        files.pipeInput(JOB, FileManifest.newBuilder().setJob(JOB).setDir(b("")).setNode(node("f", NodeType.FILE, 12, chunk(3)))
                .setOrigin(FileOrigin.CHANGED).setAttempt(1).setChunksPending(1).setBytesRead(12).setWorker("chunk-1").build());
        ack(chunk(3), 1);
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        assertEquals(0, s.getWarningsTotal());
        MasterIndex index = vault.loadIndex();
        Tree root = tree(index, tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree()).nodes().get(0).subtree());
        assertEquals(List.of("a", "f", "z"), names(root), "the file once, not its first reading beside its second");
        assertEquals(List.of(BlobId.of(chunk(3))), root.nodes().get(1).content());
        assertEquals(12, root.nodes().get(1).size());
    }

    @Test
    void aHugeDirectoryBecomesASplitTreeAndOneNewFileRewritesOnePart() {
        int files = Trees.SPLIT_ABOVE + 6000;
        List<BlobId> before = splitParts(JOB, files);
        assertTrue(before.size() > 1, "split into parts: " + before.size());
        List<BlobId> after = splitParts("job-2", files + 1);
        long changed = after.stream().filter(id -> !before.contains(id)).count();
        assertTrue(changed <= 2, "one new name changes its part (two if it starts a part): " + changed);
    }

    /** Seals a job of {@code files} empty files in one directory; returns the parts of its tree. */
    private List<BlobId> splitParts(String job, int count) {
        jobs.pipeInput(job, JobStarted.newBuilder().setJob(job).setRoot(b("/data/root")).setHost("h").setTimeNs(1_000)
                .setTags(List.of()).build());
        dirs.pipeInput(job, DirScanned.newBuilder().setJob(job).setRel(b("")).setNode(node("root", NodeType.DIR, 0))
                .setEntries(count).setSubdirs(0).setWorker("scan-1").build());
        for (int i = 0; i < count; i++) {
            files.pipeInput(job, FileManifest.newBuilder().setJob(job).setDir(b(""))
                    .setNode(node(String.format("file-%06d", i), NodeType.FILE, 0)).setOrigin(FileOrigin.NEW)
                    .setWorker("chunk-1").build());
        }
        JobStatus s = sealed().get(0);
        assertEquals(JobState.SEALED, s.getState());
        MasterIndex index = vault.loadIndex();
        Tree top = tree(index, vault.loadSnapshot(s.getSnapshot()).snapshot().tree());
        Tree contents = tree(index, top.nodes().get(0).subtree());
        assertTrue(contents.split() && contents.nodes().isEmpty());
        List<String> names = new ArrayList<>();
        for (var n : Trees.nodes(contents, id -> tree(index, id))) {
            names.add(new String(n.name(), StandardCharsets.UTF_8));
        }
        assertEquals(count, names.size());
        assertEquals("file-000000", names.get(0));
        for (BlobId part : contents.parts()) {
            Tree t = tree(index, part);
            assertTrue(t.nodes().size() <= Trees.MAX_PART);
            assertTrue(Trees.isPartBoundary(t.nodes().get(0).name()) || part.equals(contents.parts().get(0))
                    || t.nodes().size() == Trees.MAX_PART, "each part but the first starts at a boundary name");
        }
        return contents.parts();
    }

    private Tree tree(MasterIndex index, BlobId id) {
        return vault.decodeTree(vault.readBlob(index.find(id, BlobType.TREE).orElseThrow()));
    }

    private static List<String> names(Tree t) {
        return t.nodes().stream().map(n -> new String(n.name(), StandardCharsets.UTF_8)).toList();
    }
}
