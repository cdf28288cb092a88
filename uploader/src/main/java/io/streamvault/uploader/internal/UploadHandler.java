package io.streamvault.uploader.internal;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.util.Hex;
import io.streamvault.schemas.Bytes;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Fills packs with new chunks. For each request: read the bytes from the source (the claim check),
 * check that they still have the requested keyed id, compress and encrypt, append to the open
 * pack. A full (or idle) pack is written create-only, then its index object, and only then are its
 * chunk-stored events emitted, in the same transaction as the offsets of every request in it: a
 * crash before the commit leaves at most an unreferenced pack, and the requests are served again.
 */
public final class UploadHandler implements TransactionalWorker.Handler<UploadRequest> {
    private final Topics topics;
    private final Vault vault;
    private final String worker;
    private final long packBytes;
    private final long flushMs;
    private final ChunkHasher hasher;
    private final List<UploadRequest> members = new ArrayList<>();
    private PackBuilder pack;
    private byte[] buffer = new byte[1 << 20];
    private long openedAt;
    private long lastAddAt;
    private boolean written;

    public UploadHandler(Topics topics, Vault vault, String worker, long packBytes, long flushMs) {
        this.topics = topics;
        this.vault = vault;
        this.worker = worker;
        this.packBytes = packBytes;
        this.flushMs = flushMs;
        this.hasher = vault.newHasher();
        this.pack = vault.newPack();
    }

    @Override
    public void handle(ConsumerRecord<byte[], byte[]> raw, UploadRequest req, Emitter out) {
        BlobId id = BlobId.of(Bytes.of(req.getId()));
        if (pack.contains(id)) {
            return; // requested twice (a re-issued request): the pack already carries it
        }
        ChunkSource src = req.getSource();
        int length = src.getLength();
        if (buffer.length < length) {
            buffer = new byte[length];
        }
        String error = readSource(src, length);
        if (error != null) {
            emitFailure(out, req, StoreStatus.UNREADABLE, error);
            return;
        }
        if (!hasher.id(buffer, 0, length).equals(id)) {
            emitFailure(out, req, StoreStatus.MISMATCH, "the file changed since it was chunked");
            return;
        }
        EncodedBlob blob = vault.encode(BlobType.DATA, id, buffer, 0, length);
        long now = System.currentTimeMillis();
        if (pack.count() == 0) {
            openedAt = now;
        }
        pack.add(blob);
        members.add(req);
        lastAddAt = now;
        if (pack.size() >= packBytes) {
            writePack(out);
        }
    }

    private String readSource(ChunkSource src, int length) {
        try (FileChannel ch = FileChannel.open(RawPaths.of(Bytes.of(src.getPath())), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, length);
            long pos = src.getOffset();
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) {
                    return "the file is shorter than when it was chunked";
                }
                pos += n;
            }
            return null;
        } catch (NoSuchFileException e) {
            return "vanished during backup";
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (IOException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    private void emitFailure(Emitter out, UploadRequest req, StoreStatus status, String error) {
        out.send(topics.chunkStored, Bytes.of(req.getId()), ChunkStored.newBuilder()
                .setId(req.getId())
                .setStatus(status)
                .setJob(req.getJob())
                .setSource(req.getSource())
                .setError(error)
                .setWorker(worker)
                .build());
    }

    /** Right after a pack is written its stored events commit, before the next request is read. */
    @Override
    public boolean commitNow() {
        boolean w = written;
        written = false;
        return w;
    }

    @Override
    public boolean checkpoint(Emitter out, boolean idle) {
        if (pack.count() == 0) {
            return true;
        }
        long now = System.currentTimeMillis();
        if ((idle && now - lastAddAt >= flushMs) || now - openedAt >= 5 * flushMs) {
            writePack(out);
            return true;
        }
        return false;
    }

    @Override
    public void flush(Emitter out) {
        if (pack.count() > 0) {
            writePack(out);
        }
    }

    @Override
    public void reset() {
        pack = vault.newPack();
        members.clear();
        written = false;
    }

    private void writePack(Emitter out) {
        PackInfo info = vault.writePack(pack);
        vault.writeIndex(List.of(info));
        Map<BlobId, PackEntry> entries = new HashMap<>();
        for (PackEntry e : info.entries()) {
            entries.put(e.id(), e);
        }
        ByteBuffer packId = ByteBuffer.wrap(Hex.parse(info.id()));
        for (UploadRequest req : members) {
            PackEntry e = entries.get(BlobId.of(Bytes.of(req.getId())));
            out.send(topics.chunkStored, Bytes.of(req.getId()), ChunkStored.newBuilder()
                    .setId(req.getId())
                    .setStatus(StoreStatus.STORED)
                    .setJob(req.getJob())
                    .setPack(packId)
                    .setOffset(e.offset())
                    .setLength(e.length())
                    .setRawLength(e.rawLength())
                    .setSource(req.getSource())
                    .setWorker(worker)
                    .build());
        }
        reset();
        written = true;
    }
}
