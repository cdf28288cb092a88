package io.streamvault.uploader.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.fs.ReadOnlyFile;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.common.util.Hex;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.ChunkBatches;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Fills packs with new chunks. For each request: read the bytes from the source (the claim check),
 * check that they still have the requested keyed id (or take them from the process's
 * {@link ChunkHandoff}, where a chunker left the bytes it hashed), compress and encrypt, append to
 * the open pack. A full (or idle) pack is written in the background, create-only, then its index
 * object, while the next pack fills; at most {@code packsInFlight} are being written at once, so
 * memory is bounded by that many packs. Packs complete in order; only then are their chunk-stored events
 * emitted (one record per partition of chunk-stored, the rest of a partition's events in its
 * {@code more}; a request record's {@code more} is handled as requests of its own), in the same
 * transaction as the offsets of every record whose requests are all durable. A crash or a failed
 * write serves again every request of the records not yet committed: those of the packs being
 * written, and those of the record being handled that earlier packs already hold (a chunk then in
 * two packs, as after a crash: docs/pipeline.md).
 */
public final class UploadHandler implements TransactionalWorker.Handler<UploadRequest>, AutoCloseable {
    /** The poll while a pack is open or being written. */
    static final long BUSY_POLL_MS = 10;
    private final Topics topics;
    private final Vault vault;
    private final String worker;
    private final long packBytes;
    private final long flushMs;
    private final int packsInFlight;
    private final ChunkHasher hasher;
    private final ChunkHandoff handoff;
    private final UploadMeters meters;
    private final ExecutorService writers;
    private final Deque<PackJob> writing = new ArrayDeque<>();
    /** Input offsets whose packs are durable and whose events are emitted. */
    private final Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
    private PackJob open;
    /** Per partition: the record to come first after a resume, and how many of its requests to skip. */
    private final Map<TopicPartition, Done> skips = new HashMap<>();

    /** The metadata of a record's own committed offset: how many of its requests are durable. */
    static final String DONE = "uploader.done=";

    private record Done(long offset, long count) {
    }
    /** A chunk's bytes on their way into the pack: direct, so that zstd and GCM read them in place. */
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private long lastAddAt;
    private boolean emitted;

    /** One pack: its blobs, the requests it answers, and the input offsets it covers. */
    private final class PackJob {
        final PackBuilder pack = vault.newPack();
        final List<UploadRequest> members = new ArrayList<>();
        final List<ChunkStored> failures = new ArrayList<>();
        final Map<TopicPartition, OffsetAndMetadata> upTo = new HashMap<>();
        /** For a record only partly in this pack and those before: its own offset, and how many of its requests. */
        final Map<TopicPartition, Done> partial = new HashMap<>();
        final long openedAt = System.currentTimeMillis();
        Future<PackInfo> written;

        boolean empty() {
            return members.isEmpty() && failures.isEmpty() && upTo.isEmpty() && partial.isEmpty();
        }
    }

    public UploadHandler(Topics topics, Vault vault, String worker, long packBytes, long flushMs, int packsInFlight,
            ChunkHandoff handoff, UploadMeters meters) {
        this.meters = meters;
        this.topics = topics;
        this.vault = vault;
        this.worker = worker;
        this.packBytes = packBytes;
        this.flushMs = flushMs;
        this.packsInFlight = Math.max(1, packsInFlight);
        this.hasher = vault.newHasher();
        this.handoff = handoff;
        this.writers = Executors.newFixedThreadPool(this.packsInFlight, DaemonThreads.named("pack-writer"));
        this.open = new PackJob();
    }

    @Override
    public void handle(ConsumerRecord<byte[], byte[]> raw, UploadRequest req, Emitter out) {
        TopicPartition tp = new TopicPartition(raw.topic(), raw.partition());
        Done done = skips.remove(tp);
        long skip = done != null && done.offset() == raw.offset() ? done.count() : 0;
        PackJob last = null;
        int i = 0;
        for (UploadRequest one : ChunkBatches.items(req, req.getMore())) {
            if (i++ < skip) {
                continue; // durable before the record came again: its stored event is committed
            }
            // The record's own offset, saying that its first i requests are durable once this one's pack is.
            last = add(one, out, tp, new Done(raw.offset(), i));
        }
        // On the pack that holds the record's last request (packs complete in order, so those holding
        // its earlier requests are durable first): the offset commits once all of them are durable.
        (last == null ? open : last).upTo.put(tp, new OffsetAndMetadata(raw.offset() + 1));
        drain(out, false);
    }

    /**
     * Adds one requested chunk (or its failure) to the open pack, submitting the pack once it is full;
     * returns the pack that answers the request. {@code done} is how much of its record is durable
     * once that pack is.
     */
    private PackJob add(UploadRequest req, Emitter out, TopicPartition tp, Done done) {
        PackJob holder = open;
        holder.partial.put(tp, done);
        BlobId id = BlobId.of(Buffers.of(req.getId()));
        if (open.pack.contains(id)) {
            return holder; // requested twice (a re-issued request): the pack already carries it
        }
        ChunkSource src = req.getSource();
        int length = src.getLength();
        if (buffer.capacity() < length) {
            buffer = ByteBuffer.allocateDirect(length);
        }
        // Handed off by a chunker of this process: the bytes it hashed to this id, no check needed.
        boolean handed = handoff.take(id.bytes(), buffer) == length;
        String error = handed ? null : readSource(src, length);
        if (error != null) {
            open.failures.add(failure(req, StoreStatus.UNREADABLE, error));
        } else if (!handed && !hasher.id(buffer.clear(), 0, length).equals(id)) {
            open.failures.add(failure(req, StoreStatus.MISMATCH, "the file changed since it was chunked"));
        } else {
            open.pack.add(BlobType.DATA, id, buffer.clear(), 0, length);
            open.members.add(req);
            (handed ? meters.handedOff : meters.readAgain).increment();
            lastAddAt = System.currentTimeMillis();
            if (open.pack.size() >= packBytes) {
                submit();
                // Waits here while too many packs are being written, so that one record of many
                // requests cannot put more than packsInFlight packs in memory. (The record's own
                // offset goes on a later pack, after the loop: none of this commits it.)
                drain(out, false);
            }
        }
        return holder;
    }

    private String readSource(ChunkSource src, int length) {
        try (ReadOnlyFile ch = ReadOnlyFile.open(RawPaths.of(Buffers.of(src.getPath())))) {
            ByteBuffer b = buffer.clear().limit(length);
            long pos = src.getOffset();
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) {
                    return "the file is shorter than when it was chunked";
                }
                pos += n;
            }
            return null;
        } catch (IOException e) {
            return Posix.reason(e);
        }
    }

    private ChunkStored failure(UploadRequest req, StoreStatus status, String error) {
        return new ChunkStored(req.getId(), status, req.getJob(), null, 0L, 0, 0, req.getSource(), error, worker,
                req.getGeneration(), new ArrayList<>());
    }

    /** Hands the open pack to a writer (waiting while too many are being written) and opens a new one. */
    private void submit() {
        PackJob job = open;
        open = new PackJob();
        if (job.members.isEmpty()) {
            job.written = null; // failures and skipped requests only: nothing to write
        } else {
            job.written = writers.submit(() -> {
                PackInfo info = vault.writePack(job.pack);
                vault.writeIndex(List.of(info));
                return info;
            });
        }
        writing.add(job);
    }

    /**
     * Emits the events of every pack written so far, oldest first, stopping at the first still
     * being written (or waiting for it, when {@code block} or when too many are in flight).
     */
    private void drain(Emitter out, boolean block) {
        while (!writing.isEmpty()) {
            PackJob job = writing.peek();
            boolean mustWait = block || writing.size() > packsInFlight;
            if (job.written != null && !job.written.isDone() && !mustWait) {
                return;
            }
            PackInfo info = job.written == null ? null : await(job.written);
            writing.poll();
            emit(job, info, out);
        }
    }

    private static PackInfo await(Future<PackInfo> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalException(ErrorCode.CANCELLED, "interrupted while a pack was written", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StreamVaultException s) {
                throw s; // retryable or fatal, as the storage said
            }
            throw new FatalException(ErrorCode.INTERNAL, "writing a pack failed: " + e.getCause(), e.getCause());
        }
    }

    private void emit(PackJob job, PackInfo info, Emitter out) {
        List<ChunkStored> events = new ArrayList<>(job.failures);
        if (info != null) {
            meters.packs.increment();
            meters.added.increment(info.size());
            Map<BlobId, PackEntry> entries = new HashMap<>();
            for (PackEntry e : info.entries()) {
                entries.put(e.id(), e);
            }
            ByteBuffer packId = ByteBuffer.wrap(Hex.parse(info.id()));
            for (UploadRequest req : job.members) {
                PackEntry e = entries.get(BlobId.of(Buffers.of(req.getId())));
                // The constructor, not a builder: a builder looks up the default of each field left
                // unset, hashing its whole schema each time (a cost per chunk in profiles).
                // Without job and source, which dedup reads only from failures: they were most of the bytes.
                events.add(new ChunkStored(req.getId(), StoreStatus.STORED, "", packId, e.offset(),
                        e.length(), e.rawLength(), null, null, worker, req.getGeneration(), new ArrayList<>()));
            }
        }
        // One record per partition of chunk-stored (the dedup task that owns the ids), not one per chunk.
        for (ChunkStored s : ChunkBatches.joined(ChunkBatches.byPartition(events, ChunkStored::getId,
                ChunkBatches::bytes, out.partitions(topics.chunkStored)), ChunkStored::setMore)) {
            out.send(topics.chunkStored, Buffers.of(s.getId()), s);
        }
        job.partial.forEach((tp, d) -> advance(tp, new OffsetAndMetadata(d.offset(), DONE + d.count())));
        job.upTo.forEach(this::advance);
        emitted = true;
    }

    /**
     * Records what is durable on a partition: a later record, or more of the same one (an offset
     * without metadata is a record done whole, the one before it).
     */
    private void advance(TopicPartition tp, OffsetAndMetadata now) {
        durable.merge(tp, now, (was, is) -> is.offset() > was.offset()
                || (is.offset() == was.offset() && doneOf(is) > doneOf(was)) ? is : was);
    }

    private static long doneOf(OffsetAndMetadata o) {
        String m = o.metadata(); // "" when none
        if (!m.startsWith(DONE)) {
            return 0;
        }
        try {
            return Long.parseLong(m.substring(DONE.length()));
        } catch (NumberFormatException e) {
            return 0; // not ours: nothing is skipped
        }
    }

    @Override
    public boolean resumes() {
        return true;
    }

    /** After the input was positioned at the group's offsets: the part of each record there that is durable. */
    @Override
    public void resume(Map<TopicPartition, OffsetAndMetadata> committed) {
        committed.forEach((tp, o) -> {
            long n = doneOf(o);
            if (n > 0) {
                skips.put(tp, new Done(o.offset(), n));
            } else {
                skips.remove(tp);
            }
        });
    }

    /** Right after a pack's events are emitted, they commit with the offsets of its requests. */
    @Override
    public boolean commitNow() {
        boolean e = emitted;
        emitted = false;
        return e;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> handled) {
        if (writing.isEmpty() && open.empty()) {
            return handled;
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : durable.entrySet()) {
            OffsetAndMetadata h = handled.get(e.getKey());
            if (h != null) {
                out.put(e.getKey(), e.getValue().offset() <= h.offset() ? e.getValue() : h);
            }
        }
        return out;
    }

    @Override
    public boolean checkpoint(Emitter out, boolean idle) {
        long now = System.currentTimeMillis();
        if (!open.empty() && (open.members.isEmpty() || (idle && now - lastAddAt >= flushMs)
                || now - open.openedAt >= 5 * flushMs)) {
            submit();
        }
        drain(out, false);
        return true;
    }

    /**
     * Short polls while a pack is open or being written: the open pack is written once the input
     * has been idle for the flush interval, and a written pack's events go out at the first
     * checkpoint after its write ends. With the worker's usual 200 ms polls the last pack of a
     * backup waited up to 200 ms to be written and as long again for its events.
     */
    @Override
    public long pollMs() {
        return open.empty() && writing.isEmpty() ? TransactionalWorker.POLL_MS : BUSY_POLL_MS;
    }

    @Override
    public void flush(Emitter out) {
        if (!open.empty()) {
            submit();
        }
        drain(out, true);
    }

    @Override
    public void reset() {
        // Packs still being written finish as unreferenced objects; their requests come again. Those
        // not yet started never start: they would only add unreferenced packs, and hold their memory.
        for (PackJob job : writing) {
            if (job.written != null) {
                job.written.cancel(false);
            }
        }
        writing.clear();
        durable.clear();
        skips.clear(); // the rewind that follows says again what is durable
        open = new PackJob();
        emitted = false;
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }
}
