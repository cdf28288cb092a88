package io.streamvault.chunker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RacyTimestamps;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TopicSpec;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.BatchedFile;
import io.streamvault.schemas.records.BatchedManifest;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose timestamps are too recent to vouch for its read is read again once they can, and a
 * write in between is never stored in silence (RacyTimestamps; ChangingFilesIT races a real writer).
 */
class ChunkHandlerTest {
    private static final int PARTITIONS = 4;
    @TempDir
    Path tmp;
    private Vault vault;
    private Topics topics;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong clock = new AtomicLong();
    private final List<Long> waits = new ArrayList<>();
    private final List<FileManifest> manifests = new ArrayList<>();
    /** The chunk records sent, with their keys. */
    private final List<Map.Entry<byte[], ChunkRecord>> chunkRecords = new ArrayList<>();
    /** Runs at each wait, before the clock moves on. */
    private Runnable duringWait = () -> { };

    @BeforeEach
    void setUp() {
        vault = Vault.init(Storages.open(tmp.resolve("vault").toString()), "pw".toCharArray(),
                VaultOptions.defaults().withKdfLogN(10));
        topics = new Topics("sv", vault.id(), 1, (short) 1, SchemaRegistries.inMemory());
    }

    @Test
    void aFileChangedJustBeforeItsReadIsReadAgainOnceItsWindowHasPassed() throws Exception {
        byte[] content = bytes(1, 200_000);
        Path f = Files.write(tmp.resolve("f"), content);
        FileMeta m = Posix.lstat(f);
        clock.set(m.ctimeNs() + 1_000_000L); // 1 ms after its last change

        FileManifest out = chunk(f);

        assertEquals(List.of(RacyTimestamps.calmNs(m) - (m.ctimeNs() + 1_000_000L)), waits);
        assertFalse(out.getNode().getChangedDuringBackup());
        assertEquals(2 * content.length, readBytes(), "read, then read again");
        assertEquals(content.length, out.getBytesRead());
    }

    @Test
    void aFileWhoseWindowHasPassedIsReadOnce() throws Exception {
        Path f = Files.write(tmp.resolve("f"), bytes(2, 200_000));
        clock.set(RacyTimestamps.calmNs(Posix.lstat(f)));

        FileManifest out = chunk(f);

        assertEquals(List.of(), waits);
        assertEquals(200_000, readBytes());
        assertFalse(out.getNode().getChangedDuringBackup());
    }

    @Test
    void aWriteWhileTheChunkerWaitsIsStoredAsTheNewVersion() throws Exception {
        Path f = Files.write(tmp.resolve("f"), bytes(3, 200_000));
        byte[] second = bytes(4, 200_000);
        clock.set(Posix.lstat(f).ctimeNs());
        duringWait = () -> {
            write(f, second);
            duringWait = () -> { };
        };

        FileManifest out = chunk(f);

        assertFalse(out.getNode().getChangedDuringBackup());
        assertEquals(idsOf(second), out.getNode().getContent(), "the version written during the wait, read twice");
        assertEquals(2, waits.size());
    }

    @Test
    void aFileWrittenAtEveryWaitIsRecordedAsChangedDuringBackup() throws Exception {
        Path f = Files.write(tmp.resolve("f"), bytes(5, 200_000));
        clock.set(Posix.lstat(f).ctimeNs());
        int[] version = {6};
        duringWait = () -> write(f, bytes(version[0]++, 200_000));

        FileManifest out = chunk(f);

        assertTrue(out.getNode().getChangedDuringBackup());
        assertEquals(3, waits.size(), "the first read and two more, as maxRereads allows");
    }

    @Test
    void aFileDatedInTheFutureIsReadTwiceWithoutWaiting() throws Exception {
        Path f = Files.write(tmp.resolve("f"), bytes(7, 200_000));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plus(Duration.ofHours(1))));
        clock.set(Posix.lstat(f).ctimeNs());

        FileManifest out = chunk(f);

        assertEquals(List.of(), waits, "no wait makes a time in the future vouch for a read");
        assertEquals(2 * 200_000, readBytes(), "but the file is read again");
        assertFalse(out.getNode().getChangedDuringBackup());
    }

    @Test
    void aBatchOfSmallFilesIsAnsweredWithOneManifest() throws Exception {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            paths.add(Files.write(tmp.resolve("s" + i), bytes(10 + i, 1000 + i)));
        }
        List<List<ByteBuffer>> ids = new ArrayList<>();
        for (Path p : paths) {
            ids.add(idsOf(Files.readAllBytes(p)));
        }
        clock.set(RacyTimestamps.calmNs(Posix.lstat(paths.get(2))));
        FileEvent ev = event(paths.get(0));
        ev.setMore(List.of(new BatchedFile(node(paths.get(1)), FileOrigin.CHANGED),
                new BatchedFile(node(paths.get(2)), FileOrigin.NEW)));

        FileManifest out = chunk(ev);

        assertEquals(ids.get(0), out.getNode().getContent());
        assertEquals(2, out.getMore().size());
        for (int i = 1; i < 3; i++) {
            BatchedManifest m = out.getMore().get(i - 1);
            assertEquals(ids.get(i), m.getNode().getContent());
            assertEquals(1000 + i, m.getBytesRead());
            assertEquals(1, m.getChunksPending());
        }
        assertEquals(FileOrigin.CHANGED, out.getMore().get(0).getOrigin());
        assertEquals(1000 + 1001 + 1002, readBytes() - 3003, "each file read once (the first 3003: idsOf)");
    }

    @Test
    void theChunksOfABatchGoAsOneRecordPerPartitionOfTheirIds() throws Exception {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            paths.add(Files.write(tmp.resolve("c" + i), bytes(100 + i, 500)));
        }
        clock.set(RacyTimestamps.calmNs(Posix.lstat(paths.get(paths.size() - 1))));
        FileEvent ev = event(paths.get(0));
        List<BatchedFile> more = new ArrayList<>();
        for (Path p : paths.subList(1, paths.size())) {
            more.add(new BatchedFile(node(p), FileOrigin.NEW));
        }
        ev.setMore(more);
        chunkRecords.clear();

        chunk(ev);

        List<ByteBuffer> sent = new ArrayList<>();
        Set<Integer> partitions = new HashSet<>();
        for (Map.Entry<byte[], ChunkRecord> e : chunkRecords) {
            ChunkRecord head = e.getValue();
            assertEquals(ByteBuffer.wrap(e.getKey()), head.getId(), "keyed by its first id");
            int partition = BuiltInPartitioner.partitionForKey(e.getKey(), PARTITIONS);
            assertTrue(partitions.add(partition), "one record per partition");
            sent.add(head.getId());
            for (ChunkRecord c : head.getMore()) {
                assertEquals(partition, BuiltInPartitioner.partitionForKey(Buffers.of(c.getId()), PARTITIONS),
                        "a chunk sent in the record of another partition: another dedup task would own it");
                assertTrue(c.getMore().isEmpty());
                sent.add(c.getId());
            }
        }
        assertTrue(chunkRecords.size() <= PARTITIONS, chunkRecords.size() + " records");
        List<ByteBuffer> expected = new ArrayList<>();
        for (Path p : paths) {
            expected.addAll(idsOf(Files.readAllBytes(p)));
        }
        assertEquals(Set.copyOf(expected), Set.copyOf(sent));
        assertEquals(expected.size(), sent.size(), "each chunk once");
    }

    private FileManifest chunk(Path f) throws Exception {
        return chunk(event(f));
    }

    private NodeRecord node(Path f) throws Exception {
        FileMeta m = Posix.lstat(f);
        return NodeRecord.newBuilder().setName(ByteBuffer.wrap(f.getFileName().toString()
                .getBytes(StandardCharsets.UTF_8))).setType(NodeType.FILE).setMode(m.mode()).setUid(m.uid())
                .setGid(m.gid()).setSize(m.size()).setMtimeNs(m.mtimeNs()).setAtimeNs(m.atimeNs())
                .setCtimeNs(m.ctimeNs()).setInode(m.inode()).setDev(m.dev()).setNlink(m.nlink()).build();
    }

    private FileEvent event(Path f) throws Exception {
        NodeRecord node = node(f);
        return FileEvent.newBuilder().setJob("job").setRoot(ByteBuffer.wrap(tmp.toString()
                .getBytes(StandardCharsets.UTF_8))).setDir(ByteBuffer.allocate(0)).setNode(node)
                .setOrigin(FileOrigin.NEW).setOffset(0).setLength(node.getSize()).setPart(0).setParts(1).build();
    }

    private FileManifest chunk(FileEvent ev) {
        manifests.clear();
        ChunkHandoff handoff = new ChunkHandoff(16L << 20);
        handoff.open();
        ChunkHandler h = new ChunkHandler(topics, vault, "w", 2, handoff, new ChunkMeters(registry), clock::get,
                ns -> {
                    waits.add(ns);
                    duringWait.run();
                    clock.addAndGet(ns);
                });
        h.handle(null, ev, new Emitter() {
            @Override
            public int partitions(TopicSpec<?, ?> topic) {
                return PARTITIONS;
            }

            @Override
            public <K, V> void send(TopicSpec<K, V> topic, K key, V value) {
                if (value instanceof FileManifest fm) {
                    manifests.add(fm);
                } else if (value instanceof ChunkRecord c) {
                    chunkRecords.add(Map.entry((byte[]) key, c));
                }
            }

            @Override
            public void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
                throw new AssertionError(reason);
            }
        });
        assertEquals(1, manifests.size());
        return manifests.get(0);
    }

    private double readBytes() {
        return registry.get("streamvault.chunker.read").counter().count();
    }

    private List<ByteBuffer> idsOf(byte[] content) throws Exception {
        Path other = Files.write(tmp.resolve("other"), content);
        clock.set(RacyTimestamps.calmNs(Posix.lstat(other)));
        return chunk(other).getNode().getContent();
    }

    private static void write(Path f, byte[] content) {
        try {
            Files.write(f, content);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
