package io.streamvault.uploader.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TopicSpec;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.common.util.Hex;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ForwardingStorage;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<ChunkStored> stored = new ArrayList<>();
    private static final int PARTITIONS = 4;
    /** Records sent (a record carries more events in its {@code more}). */
    private int records;
    private final Emitter out = new Emitter() {
        @Override
        public <K, V> void send(TopicSpec<K, V> topic, K key, V value) {
            assertEquals(topics.chunkStored.name(), topic.name());
            ChunkStored head = (ChunkStored) value;
            int partition = Topics.chunkPartition((byte[]) key, PARTITIONS);
            records++;
            stored.add(head);
            for (ChunkStored one : head.getMore()) {
                assertEquals(partition, Topics.chunkPartition(Buffers.of(one.getId()), PARTITIONS),
                        "a batched event of another partition than its record's");
                stored.add(one);
            }
        }

        @Override
        public int partitions(TopicSpec<?, ?> topic) {
            return PARTITIONS;
        }

        @Override
        public void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
            throw new AssertionError("dead letter: " + reason);
        }
    };
    /** For each STORED event, whether its pack was in the vault and in an index object when it went out. */
    private final List<Boolean> durableWhenSent = new ArrayList<>();
    private final Emitter checkingOut = new Emitter() {
        @Override
        public <K, V> void send(TopicSpec<K, V> topic, K key, V value) {
            ChunkStored head = (ChunkStored) value;
            List<ChunkStored> all = new ArrayList<>(List.of(head));
            all.addAll(head.getMore());
            for (ChunkStored s : all) {
                if (s.getStatus() == StoreStatus.STORED) {
                    durableWhenSent.add(durable(s));
                }
            }
            out.send(topic, key, value);
        }

        @Override
        public int partitions(TopicSpec<?, ?> topic) {
            return PARTITIONS;
        }

        @Override
        public void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
            out.deadLetter(record, reason);
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
        upload(h, file, id, length, out);
    }

    private void upload(UploadHandler h, Path file, BlobId id, int length, Emitter to) {
        upload(h, request(file, id, length), to);
    }

    private void upload(UploadHandler h, UploadRequest req, Emitter to) {
        h.handle(new ConsumerRecord<>(topics.uploadRequests.name(), 0, offset++, Buffers.of(req.getId()), new byte[0]), req, to);
    }

    private static UploadRequest request(Path file, BlobId id, int length) {
        byte[] path = file.toString().getBytes(StandardCharsets.UTF_8);
        return new UploadRequest(ByteBuffer.wrap(id.bytes()), "job-1",
                new ChunkSource(ByteBuffer.wrap(path), 0L, length, ByteBuffer.wrap(new byte[0]),
                        ByteBuffer.wrap(file.getFileName().toString().getBytes(StandardCharsets.UTF_8)), 0, 0), 0, 42L,
                new ArrayList<>());
    }

    /** Checkpoints as the worker does after each poll (at most 10 s) until a stored event went out. */
    private void checkpointUntilAnEvent(UploadHandler h, Emitter to, boolean idle) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stored.isEmpty() && System.nanoTime() < deadline) {
            h.checkpoint(to, idle);
            Thread.sleep(UploadHandler.BUSY_POLL_MS);
        }
    }

    private boolean durable(ChunkStored s) {
        String pack = Hex.of(Buffers.of(s.getPack()));
        boolean written = vault.list(ObjectKind.PACK).objects().stream().anyMatch(o -> o.id().equals(pack));
        boolean indexed = vault.loadIndex().find(BlobId.of(Buffers.of(s.getId())), BlobType.DATA)
                .map(l -> l.pack().equals(pack)).orElse(false);
        return written && indexed;
    }

    /** The worker's view: every request so far handled, up to {@code next} (exclusive) on partition 0. */
    private Map<TopicPartition, OffsetAndMetadata> handledUpTo(long next) {
        return Map.of(new TopicPartition(topics.uploadRequests.name(), 0), new OffsetAndMetadata(next));
    }

    private ChunkStored result(BlobId id) {
        return stored.stream().filter(s -> BlobId.of(Buffers.of(s.getId())).equals(id)).findFirst().orElseThrow();
    }

    private byte[] read(ChunkStored s) {
        return vault.readBlob(new BlobLocation(BlobId.of(Buffers.of(s.getId())), BlobType.DATA, Hex.of(Buffers.of(s.getPack())),
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

        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 250, 1, handoff, new UploadMeters(meters))) {
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
        assertEquals(1, meters.get("streamvault.uploader.chunks").tag("source", "handoff").counter().count());
        assertEquals(1, meters.get("streamvault.uploader.chunks").tag("source", "file").counter().count(),
                "the changed source's chunk never went into a pack");
        assertEquals(1, meters.get("streamvault.uploader.packs").counter().count());
        assertEquals(vault.list(ObjectKind.PACK).bytes(), meters.get("streamvault.uploader.added").counter().count(),
                "the bytes added are the pack's");
    }

    @Test
    void withoutAHandoffAMissingSourceIsReported() throws Exception {
        byte[] data = random(50_000, 5);
        BlobId id = id(data);
        ChunkHandoff none = new ChunkHandoff(0);
        none.open();
        none.offer(id.bytes(), data, 0, data.length);
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 250, 1, none, new UploadMeters(meters))) {
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
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 50, 1, handoff, new UploadMeters(meters))) {
            assertEquals(TransactionalWorker.POLL_MS, h.pollMs(), "nothing held: the usual poll");
            upload(h, file, id, data.length);
            assertEquals(UploadHandler.BUSY_POLL_MS, h.pollMs(), "an open pack: short polls");
            h.checkpoint(out, true);
            assertTrue(stored.isEmpty(), "the input was idle for less than the flush interval");
            Thread.sleep(60);
            checkpointUntilAnEvent(h, out, true); // what the worker does after each (short) idle poll
            assertEquals(StoreStatus.STORED, result(id).getStatus(), "written and reported without more input");
            assertEquals(TransactionalWorker.POLL_MS, h.pollMs(), "nothing held any more");
        }
        assertArrayEquals(data, read(result(id)));
    }

    @Test
    void requestsInTheOpenPackAreNotCommittableUntilThePackAndItsIndexAreWritten() throws Exception {
        byte[] first = random(40_000, 7);
        byte[] second = random(30_000, 8);
        Path a = Files.write(tmp.resolve("a"), first);
        Path b = Files.write(tmp.resolve("b"), second);
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 60_000, 1, handoff, new UploadMeters(meters))) {
            upload(h, a, id(first), first.length, checkingOut);
            upload(h, b, id(second), second.length, checkingOut);
            h.checkpoint(checkingOut, false); // input not idle: the pack stays open
            assertEquals(Map.of(), h.committable(handledUpTo(2)), "both chunks are in the open pack: no offset commits");
            assertFalse(h.commitNow());
            assertTrue(stored.isEmpty());
            assertTrue(vault.list(ObjectKind.PACK).objects().isEmpty(), "nothing written yet");

            h.flush(checkingOut); // what the worker does before a rebalance or at shutdown
            assertEquals(Set.of(id(first), id(second)), stored.stream().map(s -> BlobId.of(Buffers.of(s.getId())))
                    .collect(Collectors.toSet()));
            assertEquals(List.of(true, true), durableWhenSent, "the pack and its index object came first");
            assertTrue(h.commitNow(), "the events commit now, with the offsets");
            assertFalse(h.commitNow(), "once");
            assertEquals(handledUpTo(2), h.committable(handledUpTo(2)));
        }
    }

    @Test
    void aWrittenPackMakesItsOwnOffsetsCommittableAndNoneOfTheOpenPack() throws Exception {
        byte[] big = random(150_000, 9); // random bytes do not compress: this fills a 100 kB pack
        byte[] small = random(10_000, 10);
        Path a = Files.write(tmp.resolve("big"), big);
        Path b = Files.write(tmp.resolve("small"), small);
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 100_000, 60_000, 1, handoff, new UploadMeters(meters))) {
            upload(h, a, id(big), big.length, checkingOut); // offset 0: its pack is full and goes to a writer
            upload(h, b, id(small), small.length, checkingOut); // offset 1: in the next pack, still open
            checkpointUntilAnEvent(h, checkingOut, false); // the worker's checkpoint after each poll
            assertEquals(List.of(id(big)), stored.stream().map(s -> BlobId.of(Buffers.of(s.getId()))).toList(),
                    "the written pack's event, not the open pack's");
            assertEquals(List.of(true), durableWhenSent);
            assertTrue(h.commitNow());
            assertEquals(handledUpTo(1), h.committable(handledUpTo(2)),
                    "offset 0 commits with its event; offset 1 waits for its pack");

            h.flush(checkingOut);
            assertEquals(StoreStatus.STORED, result(id(small)).getStatus());
            assertEquals(List.of(true, true), durableWhenSent);
            assertEquals(handledUpTo(2), h.committable(handledUpTo(2)));
        }
        assertArrayEquals(big, read(result(id(big))));
        assertArrayEquals(small, read(result(id(small))));
    }

    @Test
    void aRecordOfSeveralRequestsCommitsOnlyOnceThePacksOfAllOfThemAreWritten() throws Exception {
        byte[] big = random(150_000, 11); // fills a 100 kB pack by itself
        byte[] small = random(10_000, 12);
        Path a = Files.write(tmp.resolve("big"), big);
        Path b = Files.write(tmp.resolve("small"), small);
        UploadRequest batch = request(a, id(big), big.length);
        batch.getMore().add(request(b, id(small), small.length));
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 100_000, 60_000, 1, handoff, new UploadMeters(meters))) {
            upload(h, batch, checkingOut); // offset 0: its first request's pack is full, its second in the next
            checkpointUntilAnEvent(h, checkingOut, false);
            assertEquals(List.of(id(big)), stored.stream().map(s -> BlobId.of(Buffers.of(s.getId()))).toList());
            assertEquals(Map.of(new TopicPartition(topics.uploadRequests.name(), 0),
                    new OffsetAndMetadata(0, UploadHandler.DONE + 1)), h.committable(handledUpTo(1)),
                    "the record's second request is in the open pack: its own offset, with its first request done");

            h.flush(checkingOut);
            assertEquals(StoreStatus.STORED, result(id(small)).getStatus());
            assertEquals(List.of(true, true), durableWhenSent);
            assertEquals(handledUpTo(1), h.committable(handledUpTo(1)));
        }
        assertArrayEquals(small, read(result(id(small))));
    }

    @Test
    void aRecordThatComesAgainSkipsTheRequestsItsCommittedOffsetSaysAreDurable() throws Exception {
        // Four requests that each fill a 100 kB pack, and a small one left in the open pack.
        UploadRequest batch = null;
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] data = random(i < 4 ? 150_000 : 10_000, 60 + i);
            parts.add(data);
            UploadRequest req = request(Files.write(tmp.resolve("again-" + i), data), id(data), data.length);
            if (batch == null) {
                batch = req;
            } else {
                batch.getMore().add(req);
            }
        }
        TopicPartition tp = new TopicPartition(topics.uploadRequests.name(), 0);
        OffsetAndMetadata at;
        try (UploadHandler first = new UploadHandler(topics, vault, "test", 100_000, 60_000, 1, handoff,
                new UploadMeters(meters))) {
            upload(first, batch, out); // offset 0
            at = first.committable(handledUpTo(1)).get(tp);
        } // the process ends here: the rest of the record is not durable
        assertEquals(0, at.offset(), "the record's own offset: it comes again");
        int done = Integer.parseInt(at.metadata().substring(UploadHandler.DONE.length()));
        assertTrue(done == 3 || done == 4, "its first packs' requests are durable: " + at);
        assertEquals(done, stored.size());

        try (UploadHandler second = new UploadHandler(topics, vault, "test", 100_000, 60_000, 1, handoff,
                new UploadMeters(meters))) {
            second.resume(Map.of(tp, at));
            second.handle(new ConsumerRecord<>(tp.topic(), 0, 0L, Buffers.of(batch.getId()), new byte[0]), batch, out);
            second.flush(out);
            assertEquals(handledUpTo(1), second.committable(handledUpTo(1)));
        }
        assertEquals(5, stored.size(), "only the requests not durable were written again: " + stored.size());
        for (byte[] data : parts) {
            assertArrayEquals(data, read(result(id(data))));
        }
    }

    @Test
    void aRecordOfManyPacksHoldsAtMostPacksInFlightPlusOneAtATime() throws Exception {
        // Memory is bounded by the packs held: the open one, and those written whose events are not out.
        // So when a pack's write starts, all but the packsInFlight before it have had their events sent.
        int inFlight = 2;
        List<Integer> behind = new ArrayList<>(); // at each pack write: packs started before it, less events sent
        int[] started = {0};
        Vault slow = Vault.init(new ForwardingStorage(Storages.open(tmp.resolve("slow").toString())) {
            @Override
            public boolean putIfAbsent(String name, byte[] data) {
                if (name.startsWith(ObjectKind.PACK.prefix())) {
                    synchronized (behind) {
                        behind.add(started[0]++ - stored.size());
                    }
                    try {
                        Thread.sleep(30); // writes overlap the filling of the next packs
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.putIfAbsent(name, data);
            }
        }, "pw".toCharArray(), VaultOptions.defaults().withKdfLogN(10));
        UploadRequest batch = null;
        for (int i = 0; i < 8; i++) {
            byte[] data = random(150_000, 40 + i); // each fills a 100 kB pack by itself
            byte[] path = Files.write(tmp.resolve("p" + i), data).toString().getBytes(StandardCharsets.UTF_8);
            UploadRequest req = new UploadRequest(ByteBuffer.wrap(slow.newHasher().id(data, 0, data.length).bytes()),
                    "job-1", new ChunkSource(ByteBuffer.wrap(path), 0L, data.length, ByteBuffer.wrap(new byte[0]),
                            ByteBuffer.wrap(new byte[0]), 0, 0), 0, 42L, new ArrayList<>());
            if (batch == null) {
                batch = req;
            } else {
                batch.getMore().add(req);
            }
        }
        try (UploadHandler h = new UploadHandler(topics, slow, "test", 100_000, 60_000, inFlight, handoff,
                new UploadMeters(meters))) {
            upload(h, batch, out);
            h.flush(out);
        } finally {
            slow.close();
        }
        assertEquals(8, behind.size(), "eight packs written");
        assertEquals(8, stored.size());
        assertTrue(behind.stream().allMatch(b -> b <= inFlight), "packs written but not reported when each write"
                + " started: " + behind);
    }

    @Test
    void theEventsOfAPackGoOutAsOneRecordPerPartitionOfTheirIds() throws Exception {
        List<BlobId> ids = new ArrayList<>();
        try (UploadHandler h = new UploadHandler(topics, vault, "test", 16 << 20, 60_000, 1, handoff, new UploadMeters(meters))) {
            for (int i = 0; i < 40; i++) {
                byte[] data = random(1000, 100 + i);
                ids.add(id(data));
                upload(h, Files.write(tmp.resolve("f" + i), data), id(data), data.length, checkingOut);
            }
            h.flush(checkingOut);
        }
        assertEquals(Set.copyOf(ids), stored.stream().map(s -> BlobId.of(Buffers.of(s.getId()))).collect(Collectors.toSet()));
        assertEquals(ids.stream().map(i -> Topics.chunkPartition(i.bytes(), PARTITIONS)).distinct().count(), records,
                "one record per partition (the partition of each event is checked as it is sent)");
    }
}
