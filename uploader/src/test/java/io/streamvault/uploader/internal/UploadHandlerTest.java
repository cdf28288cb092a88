package io.streamvault.uploader.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TopicSpec;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.schemas.Bytes;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim check on a real local vault and real files: a chunk is stored only with bytes that hash
 * to its id, read from its source or handed off by a chunker of the same process.
 */
class UploadHandlerTest {
    @TempDir
    Path tmp;
    private Vault vault;
    private Topics topics;
    private final ChunkHandoff handoff = new ChunkHandoff(8 << 20);
    private final List<ChunkStored> stored = new ArrayList<>();
    private final Emitter out = new Emitter() {
        @Override
        public <K, V> void send(TopicSpec<K, V> topic, K key, V value) {
            assertEquals(topics.chunkStored.name(), topic.name());
            stored.add((ChunkStored) value);
        }

        @Override
        public void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
            throw new AssertionError("dead letter: " + reason);
        }
    };
    private long offset;

    @BeforeEach
    void open() {
        vault = Vault.init(Storages.open(tmp.resolve("vault").toString()), "pw".toCharArray(),
                VaultOptions.defaults().withKdfLogN(10));
        topics = new Topics("sv", vault.id(), 4, (short) 1, SchemaRegistries.inMemory());
        handoff.open();
    }

    @AfterEach
    void close() {
        vault.close();
    }

    private byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private BlobId id(byte[] data) {
        return vault.newHasher().id(data, 0, data.length);
    }

    private void upload(UploadHandler h, Path file, BlobId id, int length) {
        byte[] path = file.toString().getBytes(StandardCharsets.UTF_8);
        UploadRequest req = new UploadRequest(ByteBuffer.wrap(id.bytes()), "job-1",
                new ChunkSource(ByteBuffer.wrap(path), 0L, length, ByteBuffer.wrap(new byte[0]),
                        ByteBuffer.wrap(file.getFileName().toString().getBytes(StandardCharsets.UTF_8)), 0, 0), 0, 42L);
        h.handle(new ConsumerRecord<>(topics.uploadRequests.name(), 0, offset++, id.bytes(), new byte[0]), req, out);
    }

    private ChunkStored result(BlobId id) {
        return stored.stream().filter(s -> BlobId.of(Bytes.of(s.getId())).equals(id)).findFirst().orElseThrow();
    }

    private byte[] read(ChunkStored s) {
        return vault.readBlob(new BlobLocation(BlobId.of(Bytes.of(s.getId())), BlobType.DATA, io.streamvault.common.util.Hex.of(Bytes.of(s.getPack())),
                s.getOffset(), s.getLength(), s.getRawLength()));
    }

    @Test
    void chunksAreReadFromTheirSourceOrTakenFromTheHandoff() throws Exception {
        byte[] same = random(300_000, 1);
        byte[] before = random(200_000, 2);
        byte[] handed = random(100_000, 3);
        Path unchanged = Files.write(tmp.resolve("unchanged"), same);
        Path changed = Files.write(tmp.resolve("changed"), before);
        Path gone = Files.write(tmp.resolve("gone"), handed);
        BlobId sameId = id(same);
        BlobId beforeId = id(before);
        BlobId handedId = id(handed);
        // The chunker hashed "gone" and left its bytes; then the file was deleted, and "changed" rewritten.
        handoff.offer(handedId.bytes(), handed, 0, handed.length);
        Files.delete(gone);
        Files.write(changed, random(200_000, 4));

        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 250, 1, handoff)) {
            upload(h, unchanged, sameId, same.length);
            upload(h, changed, beforeId, before.length);
            upload(h, gone, handedId, handed.length);
            h.flush(out);
        }
        assertEquals(StoreStatus.STORED, result(sameId).getStatus());
        assertArrayEquals(same, read(result(sameId)));
        assertEquals(StoreStatus.MISMATCH, result(beforeId).getStatus(), "a changed source is never stored under the old id");
        assertEquals(StoreStatus.STORED, result(handedId).getStatus());
        assertArrayEquals(handed, read(result(handedId)), "the handed-off bytes, though the file is gone");
        assertEquals(1, handoff.hits());
        assertEquals(2, handoff.misses());
    }

    @Test
    void withoutAHandoffAMissingSourceIsReported() throws Exception {
        byte[] data = random(50_000, 5);
        BlobId id = id(data);
        ChunkHandoff none = new ChunkHandoff(0);
        none.open();
        none.offer(id.bytes(), data, 0, data.length);
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 250, 1, none)) {
            upload(h, tmp.resolve("never-written"), id, data.length);
            h.flush(out);
        }
        assertEquals(StoreStatus.UNREADABLE, result(id).getStatus());
        assertTrue(result(id).getError().length() > 0);
    }

    @Test
    void anIdlePackIsWrittenAfterTheFlushIntervalAndReportedAtTheNextShortPoll() throws Exception {
        byte[] data = random(70_000, 6);
        Path file = Files.write(tmp.resolve("idle"), data);
        BlobId id = id(data);
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 50, 1, handoff)) {
            assertEquals(TransactionalWorker.POLL_MS, h.pollMs(), "nothing held: the usual poll");
            upload(h, file, id, data.length);
            assertEquals(UploadHandler.BUSY_POLL_MS, h.pollMs(), "an open pack: short polls");
            h.checkpoint(out, true);
            assertTrue(stored.isEmpty(), "the input was idle for less than the flush interval");
            Thread.sleep(60);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (stored.isEmpty() && System.nanoTime() < deadline) {
                h.checkpoint(out, true); // what the worker does after each (short) idle poll
                Thread.sleep(UploadHandler.BUSY_POLL_MS);
            }
            assertEquals(StoreStatus.STORED, result(id).getStatus(), "written and reported without more input");
            assertEquals(TransactionalWorker.POLL_MS, h.pollMs(), "nothing held any more");
        }
        assertArrayEquals(data, read(result(id)));
    }
}
