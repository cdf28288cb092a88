package io.streamvault.chunker.internal;

import io.streamvault.chunker.ChunkStream;
import io.streamvault.chunker.Fastcdc;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.Topics;
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
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads one file (or one segment of a large file), cuts it with FastCDC and computes each chunk's
 * keyed id. Emits one chunk record per distinct id (the claim check: where to read the bytes, not
 * the bytes) and the part's manifest with its ordered chunk ids. A file whose size, mtime, ctime
 * or inode differ before and after the read is read again, up to a limit; then it is recorded as
 * changed during backup. The bytes of each new chunk are offered to the process's {@link ChunkHandoff}.
 */
public final class ChunkHandler implements TransactionalWorker.Handler<FileEvent> {
    /** Bytes read after which the worker commits (see {@link #commitNow()}). */
    static final long COMMIT_BYTES = 32L << 20;
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

    public ChunkHandler(Topics topics, Vault vault, String worker, int maxRereads, ChunkHandoff handoff,
            ChunkMeters meters) {
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

    @Override
    public void handle(ConsumerRecord<byte[], byte[]> raw, FileEvent ev, Emitter out) {
        byte[] rel = RawPaths.join(Buffers.of(ev.getDir()), Buffers.of(ev.getNode().getName()));
        byte[] abs = RawPaths.join(Buffers.of(ev.getRoot()), rel);
        Path path = RawPaths.of(abs);
        boolean single = ev.getParts() == 1;
        if (ev.getPart() == 0) {
            meters.files.increment();
        }
        Read r = null;
        for (int attempt = 0; attempt <= maxRereads; attempt++) {
            r = read(path, abs, ev, single);
            if (r.error != null || (r.stable && (single || same(ev.getNode(), r.after)))) {
                break;
            }
            if (!single) {
                break; // segments of one file cannot be re-read consistently one by one
            }
        }
        NodeRecord node = NodeRecord.newBuilder(ev.getNode()).build();
        if (r.error != null) {
            node.setError(r.error);
            node.setContent(List.of());
            emitManifest(ev, node, 0, r.bytesRead, out);
            return;
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
            out.send(topics.chunks, id, new ChunkRecord(ByteBuffer.wrap(id), ev.getJob(), source));
        }
        emitManifest(ev, node, r.distinct.size(), r.bytesRead, out);
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

    private void emitManifest(FileEvent ev, NodeRecord node, int pending, long bytesRead, Emitter out) {
        out.send(topics.fileManifests, ev.getJob(), FileManifest.newBuilder()
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
                .build());
    }

    private Read read(Path path, byte[] abs, FileEvent ev, boolean single) {
        Read r = new Read();
        try {
            FileMeta before = Posix.lstat(path);
            if (before.kind() != FileKind.FILE) {
                r.error = "no longer a regular file";
                return r;
            }
            long offset = ev.getOffset();
            long length = single ? before.size() : ev.getLength();
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ChunkStream cs = new ChunkStream(ch, offset, length, cdc, readBuffer);
                while (cs.next()) {
                    BlobId id = hasher.id(cs.buffer(), cs.bufferOffset(), cs.length());
                    ByteBuffer key = ByteBuffer.wrap(id.bytes());
                    r.ids.add(key);
                    if (r.distinct.putIfAbsent(key, new long[] {cs.offset(), cs.length()}) == null) {
                        handoff.offer(id.bytes(), cs.buffer(), cs.bufferOffset(), cs.length());
                    }
                }
                r.bytesRead = cs.bytesRead();
                uncommitted += r.bytesRead;
                meters.bytes.increment(r.bytesRead);
            }
            r.after = Posix.lstat(path);
            r.stable = r.bytesRead == length && before.size() == r.after.size()
                    && before.mtimeNs() == r.after.mtimeNs() && before.ctimeNs() == r.after.ctimeNs()
                    && before.inode() == r.after.inode();
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
        String error;
    }
}
