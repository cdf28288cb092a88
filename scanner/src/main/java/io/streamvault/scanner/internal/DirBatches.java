package io.streamvault.scanner.internal;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.BatchedFile;
import io.streamvault.schemas.records.BatchedManifest;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.Xattr;
import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * The small files and whole manifests of the directory being listed, sent as a few records
 * instead of one per entry: a {@code FileEvent} carries further small files in {@code more}, a
 * {@code FileManifest} further whole entries in its {@code more} (docs/pipeline.md, "Small files in
 * batches"). {@link #flush} sends what is held; the listing calls it before the directory's
 * {@code DirScanned}, in the same transaction.
 */
final class DirBatches {
    /** Largest file that goes into a batch: one chunker reads it whole, with the others. */
    static final long SMALL_FILE_BYTES = 1L << 20;
    /** Most entries one batch record carries. */
    static final int MAX_ENTRIES = 256;
    /** Most bytes of small files one FileEvent asks one chunker to read. */
    static final long MAX_READ_BYTES = 16L << 20;
    /** Most metadata (names, link targets, extended attributes, chunk ids) one batch record carries. */
    static final long MAX_RECORD_BYTES = 256L << 10;

    private final Topics topics;
    private final String worker;
    private String job;
    private byte[] root;
    private byte[] rel;
    private FileEvent files;
    private long fileBytes;
    private long fileRecordBytes;
    private FileManifest manifests;
    private long manifestRecordBytes;

    DirBatches(Topics topics, String worker) {
        this.topics = topics;
        this.worker = worker;
    }

    /** Starts the batches of directory {@code rel} of job {@code job}; nothing held before is sent. */
    void start(String job, byte[] root, byte[] rel) {
        this.job = job;
        this.root = root;
        this.rel = rel;
        files = null;
        manifests = null;
    }

    /** True when {@code n}, a file with content to read, is small enough to go in a batch. */
    static boolean small(NodeRecord n) {
        return n.getSize() <= SMALL_FILE_BYTES;
    }

    /** Adds a small file ({@link #small}) for a chunker to read. */
    void file(NodeRecord n, FileOrigin origin, Emitter out) {
        long bytes = estimate(n);
        if (files != null && (files.getMore().size() + 1 >= MAX_ENTRIES || fileBytes + n.getSize() > MAX_READ_BYTES
                || fileRecordBytes + bytes > MAX_RECORD_BYTES)) {
            sendFiles(out);
        }
        if (files == null) {
            files = FileEvent.newBuilder()
                    .setJob(job)
                    .setRoot(ByteBuffer.wrap(root))
                    .setDir(ByteBuffer.wrap(rel))
                    .setNode(n)
                    .setOrigin(origin)
                    .setOffset(0)
                    .setLength(n.getSize())
                    .setPart(0)
                    .setParts(1)
                    .setMore(new ArrayList<>())
                    .build();
            fileBytes = 0;
            fileRecordBytes = 0;
        } else {
            files.getMore().add(new BatchedFile(n, origin));
        }
        fileBytes += n.getSize();
        fileRecordBytes += bytes;
    }

    /** Adds a whole entry's manifest (part 0 of 1), to be counted by the catalog. */
    void manifest(NodeRecord n, FileOrigin origin, Emitter out) {
        long bytes = estimate(n);
        if (manifests != null && (manifests.getMore().size() + 1 >= MAX_ENTRIES
                || manifestRecordBytes + bytes > MAX_RECORD_BYTES)) {
            sendManifests(out);
        }
        if (manifests == null) {
            manifests = FileManifest.newBuilder()
                    .setJob(job)
                    .setDir(ByteBuffer.wrap(rel))
                    .setNode(n)
                    .setOrigin(origin)
                    .setPart(0)
                    .setParts(1)
                    .setWorker(worker)
                    .setMore(new ArrayList<>())
                    .build();
            manifestRecordBytes = 0;
        } else {
            manifests.getMore().add(new BatchedManifest(n, origin, 0, 0L));
        }
        manifestRecordBytes += bytes;
    }

    /** Sends what is held. */
    void flush(Emitter out) {
        sendFiles(out);
        sendManifests(out);
    }

    private void sendFiles(Emitter out) {
        if (files != null) {
            byte[] key = Topics.spreadKey(job, RawPaths.join(rel, Buffers.of(files.getNode().getName())));
            out.send(topics.fileEvents, key, files);
            files = null;
        }
    }

    private void sendManifests(Emitter out) {
        if (manifests != null) {
            out.send(topics.fileManifests, job, manifests);
            manifests = null;
        }
    }

    /** About the bytes {@code n} takes in a record. */
    static long estimate(NodeRecord n) {
        long bytes = 64 + n.getName().remaining() + 33L * n.getContent().size();
        if (n.getLinkTarget() != null) {
            bytes += n.getLinkTarget().remaining();
        }
        if (n.getError() != null) {
            bytes += n.getError().length();
        }
        for (Xattr x : n.getXattrs()) {
            bytes += x.getName().remaining() + x.getValue().remaining() + 4;
        }
        return bytes;
    }
}
