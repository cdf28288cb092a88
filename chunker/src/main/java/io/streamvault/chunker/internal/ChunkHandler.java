package io.streamvault.chunker.internal;

import io.streamvault.chunker.ChunkStream;
import io.streamvault.chunker.Fastcdc;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.RetryableException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RacyTimestamps;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.fs.ReadOnlyFile;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.ChunkBatches;
import io.streamvault.schemas.NodeRecords;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.BatchedFile;
import io.streamvault.schemas.records.BatchedManifest;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads one file (or one segment of a large file), cuts it with FastCDC and computes each chunk's
 * keyed id. Emits a chunk record per distinct id (the claim check: where to read the bytes, not
 * the bytes), those of one partition batched in one record, and the part's manifest with its
 * ordered chunk ids. A file whose size, mtime, ctime
 * or inode differ before and after the read is read again, up to a limit; then it is recorded as
 * changed during backup. So is a file whose timestamps are too recent to vouch for the read
 * ({@link RacyTimestamps}) and whose second read does not give the same chunks. The bytes of each
 * new chunk are offered to the process's {@link ChunkHandoff}.
 */
public final class ChunkHandler implements TransactionalWorker.Handler<FileEvent> {
    /** Bytes read after which the worker commits (see {@link #commitNow()}). */
    static final long COMMIT_BYTES = 32L << 20;
    /**
     * The longest the racy files of one record (a batch of small files) may wait in all: the
     * transaction the record is handled in is aborted after {@code transaction.timeout.ms} (60 s by
     * default). Past it, a racy file is read again at once, without the wait.
     */
    static final long WAIT_BUDGET_NS = 5_000_000_000L;
    private final Topics topics;
    private final Fastcdc cdc;
    private final ChunkHasher hasher;
    private final String worker;
    private final int maxRereads;
    private final ChunkHandoff handoff;
    private final ChunkMeters meters;
    /** Bytes read since the last commit. */
    private long uncommitted;
    /** Where files are read, reused from file to file (direct: the kernel copies straight into it). */
    private final ByteBuffer readBuffer;
    /** Wall-clock time, ns since the epoch: when a read starts, to tell a racy file. */
    private final LongSupplier clockNs;
    /** Waits the given ns (Thread.sleep; a test's clock moves instead). */
    private final Sleeper sleeper;

    /** What is left of {@link #WAIT_BUDGET_NS} for the record being handled. */
    private long waitLeftNs;

    /** Waits for a racy file's window to pass. */
    interface Sleeper {
        void sleep(long ns) throws InterruptedException;
    }

    public ChunkHandler(Topics topics, Vault vault, String worker, int maxRereads, ChunkHandoff handoff,
            ChunkMeters meters) {
        this(topics, vault, worker, maxRereads, handoff, meters, () -> System.currentTimeMillis() * 1_000_000L,
                ns -> Thread.sleep(ns / 1_000_000L, (int) (ns % 1_000_000L)));
    }

    ChunkHandler(Topics topics, Vault vault, String worker, int maxRereads, ChunkHandoff handoff,
            ChunkMeters meters, LongSupplier clockNs, Sleeper sleeper) {
        this.clockNs = clockNs;
        this.sleeper = sleeper;
        this.meters = meters;
        this.topics = topics;
        var c = vault.config();
        this.cdc = new Fastcdc(c.chunkMin(), c.chunkAvg(), c.chunkMax(), c.gearSeed());
        this.hasher = vault.newHasher();
        this.worker = worker;
        this.maxRereads = maxRereads;
        this.handoff = handoff;
        this.readBuffer = ByteBuffer.allocateDirect(ChunkStream.bufferSize(cdc));
    }

    /**
     * Reads the event's file (or segment) and the further small files it carries ({@code more}),
     * and answers them all with one manifest.
     */
    @Override
    public void handle(ConsumerRecord<byte[], byte[]> raw, FileEvent ev, Emitter out) {
        waitLeftNs = WAIT_BUDGET_NS;
        List<ChunkRecord> chunks = new ArrayList<>();
        FileManifest head = readOne(ev, chunks);
        if (!ev.getMore().isEmpty()) {
            List<BatchedManifest> more = new ArrayList<>(ev.getMore().size());
            for (BatchedFile b : ev.getMore()) {
                FileEvent one = new FileEvent(ev.getJob(), ev.getRoot(), ev.getDir(), b.getNode(), b.getOrigin(), 0L,
                        b.getNode().getSize(), 0, 1, 0, List.of());
                FileManifest m = readOne(one, chunks);
                more.add(new BatchedManifest(m.getNode(), m.getOrigin(), m.getChunksPending(), m.getBytesRead()));
            }
            head.setMore(more);
        }
        send(chunks, out);
        out.send(topics.fileManifests, ev.getJob(), head);
    }

    /**
     * Sends the chunk records of one input record: one record per partition of {@code chunks} (up to
     * {@link ChunkBatches#MAX_CHUNKS} chunks), not one per chunk, which a batch of small files would
     * otherwise cost.
     */
    private void send(List<ChunkRecord> chunks, Emitter out) {
        for (ChunkRecord r : ChunkBatches.joined(ChunkBatches.byPartition(chunks, ChunkRecord::getId,
                ChunkBatches::bytes, out.partitions(topics.chunks)), ChunkRecord::setMore)) {
            out.send(topics.chunks, Buffers.of(r.getId()), r);
        }
    }

    /** Reads one file or segment, adds its chunk records to {@code chunks} and returns its manifest (not sent). */
    private FileManifest readOne(FileEvent ev, List<ChunkRecord> chunks) {
        byte[] rel = RawPaths.join(Buffers.of(ev.getDir()), Buffers.of(ev.getNode().getName()));
        byte[] abs = RawPaths.join(Buffers.of(ev.getRoot()), rel);
        Path path = RawPaths.of(abs);
        boolean single = ev.getParts() == 1;
        if (ev.getPart() == 0) {
            meters.files.increment();
        }
        Read r = null;
        for (int attempt = 0; attempt <= maxRereads; attempt++) {
            r = read(path, abs, ev, single, true);
            if (r.error == null && r.stable && RacyTimestamps.racy(r.after, r.startNs)) {
                settle(r.after);
                r.stable = confirmed(r, read(path, abs, ev, single, false));
            }
            if (r.error != null || (r.stable && (single || same(ev.getNode(), r.after)))) {
                break;
            }
            if (!single) {
                break; // segments of one file cannot be re-read consistently one by one
            }
        }
        NodeRecord node = NodeRecords.withContent(ev.getNode(), ev.getNode().getContent());
        if (r.error != null) {
            node.setError(r.error);
            node.setContent(List.of());
            return manifest(ev, node, 0, r.bytesRead);
        }
        boolean changed = !r.stable || (!single && !same(ev.getNode(), r.after));
        if (single) {
            node.setSize(r.after.size());
            node.setMtimeNs(r.after.mtimeNs());
            node.setCtimeNs(r.after.ctimeNs());
            node.setAtimeNs(r.after.atimeNs());
            node.setMode(r.after.mode());
            node.setUid(r.after.uid());
            node.setGid(r.after.gid());
        }
        node.setChangedDuringBackup(changed);
        node.setContent(r.ids);
        for (Map.Entry<ByteBuffer, long[]> e : r.distinct.entrySet()) {
            byte[] id = Buffers.of(e.getKey());
            ChunkSource source = new ChunkSource(ByteBuffer.wrap(abs), e.getValue()[0], (int) e.getValue()[1],
                    ev.getDir(), ev.getNode().getName(), ev.getPart(), ev.getAttempt());
            chunks.add(new ChunkRecord(ByteBuffer.wrap(id), ev.getJob(), source, List.of()));
        }
        return manifest(ev, node, r.distinct.size(), r.bytesRead);
    }

    /**
     * Commits once {@link #COMMIT_BYTES} were read since the last commit, so that the chunks of
     * large files reach dedup and the uploaders while this worker reads on (and while their bytes
     * are still in the hand-off); small files keep sharing one transaction per batch.
     */
    @Override
    public boolean commitNow() {
        if (uncommitted < COMMIT_BYTES) {
            return false;
        }
        uncommitted = 0;
        return true;
    }

    @Override
    public void reset() {
        uncommitted = 0;
    }

    private FileManifest manifest(FileEvent ev, NodeRecord node, int pending, long bytesRead) {
        return FileManifest.newBuilder()
                .setJob(ev.getJob())
                .setDir(ev.getDir())
                .setNode(node)
                .setOrigin(ev.getOrigin())
                .setPart(ev.getPart())
                .setParts(ev.getParts())
                .setAttempt(ev.getAttempt())
                .setChunksPending(pending)
                .setBytesRead(bytesRead)
                .setWorker(worker)
                .setMore(List.of()) // every field set: an unset one costs a hash of its schema per build
                .build();
    }

    /**
     * Waits until the timestamps of {@code m} can vouch for a read ({@link RacyTimestamps#calmNs}):
     * at most the window. Not at all when its last change lies in the future (a clock ahead, or
     * times set by hand): no wait makes such a time vouch, and a later write moves mtime away from
     * it anyway; nor once the record's {@link #WAIT_BUDGET_NS} is spent. The read that follows
     * is then a plain second read. Interrupted, it abandons the whole record (its transaction is
     * aborted and the record handled again), rather than record anything about the file.
     */
    private void settle(FileMeta m) {
        long waitNs = RacyTimestamps.calmNs(m) - clockNs.getAsLong();
        if (waitNs <= 0 || waitNs > RacyTimestamps.windowNs(m) || waitNs > waitLeftNs) {
            return;
        }
        try {
            sleeper.sleep(waitNs);
            waitLeftNs -= waitNs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(ErrorCode.CANCELLED, "interrupted while a changed file's timestamps settled", e);
        }
    }

    /**
     * True when {@code again}, a read of a racy file that started once its timestamps could vouch for
     * it, is stable, saw the timestamps {@code first} saw and gave the same chunks: {@code first} was
     * then whole too, and a later write will show in mtime.
     */
    private static boolean confirmed(Read first, Read again) {
        return again.error == null && again.stable && unchanged(first.after, again.after) && again.ids.equals(first.ids);
    }

    /** True when {@code a} and {@code b}, two lstats of one path, show the same size, mtime, ctime and inode. */
    private static boolean unchanged(FileMeta a, FileMeta b) {
        return a.size() == b.size() && a.mtimeNs() == b.mtimeNs() && a.ctimeNs() == b.ctimeNs() && a.inode() == b.inode();
    }

    /** One read of the file or segment; {@code offer}: new chunks' bytes go to the hand-off. */
    private Read read(Path path, byte[] abs, FileEvent ev, boolean single, boolean offer) {
        Read r = new Read();
        r.startNs = clockNs.getAsLong();
        try {
            FileMeta before = Posix.lstat(path);
            if (before.kind() != FileKind.FILE) {
                r.error = "no longer a regular file";
                return r;
            }
            long offset = ev.getOffset();
            long length = single ? before.size() : ev.getLength();
            try (ReadOnlyFile f = ReadOnlyFile.open(path, before.uid())) { // no symlink followed, no access time changed
                ChunkStream cs = new ChunkStream(f::read, offset, length, cdc, readBuffer);
                while (cs.next()) {
                    BlobId id = hasher.id(cs.buffer(), cs.bufferOffset(), cs.length());
                    ByteBuffer key = ByteBuffer.wrap(id.bytes());
                    r.ids.add(key);
                    if (r.distinct.putIfAbsent(key, new long[] {cs.offset(), cs.length()}) == null && offer) {
                        handoff.offer(id.bytes(), cs.buffer(), cs.bufferOffset(), cs.length());
                    }
                }
                r.bytesRead = cs.bytesRead();
                uncommitted += r.bytesRead;
                meters.bytes.increment(r.bytesRead);
            }
            r.after = Posix.lstat(path);
            r.stable = r.bytesRead == length && unchanged(before, r.after);
        } catch (IOException e) {
            r.error = Posix.reason(e);
        }
        return r;
    }

    private static boolean same(NodeRecord scanned, FileMeta now) {
        return scanned.getSize() == now.size() && scanned.getMtimeNs() == now.mtimeNs()
                && scanned.getCtimeNs() == now.ctimeNs() && scanned.getInode() == now.inode();
    }

    private static final class Read {
        final List<ByteBuffer> ids = new ArrayList<>();
        final Map<ByteBuffer, long[]> distinct = new LinkedHashMap<>();
        long bytesRead;
        FileMeta after;
        boolean stable;
        /** When the read started (ns since the epoch). */
        long startNs;
        String error;
    }
}
