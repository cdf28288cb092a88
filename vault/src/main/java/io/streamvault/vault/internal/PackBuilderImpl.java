package io.streamvault.vault.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Assembles a pack in {@link PackMemory} taken from the vault's pool when the first blob comes:
 * blobs are encoded straight into it (or, already encoded, copied once), sealing appends the
 * header, and the id is hashed in place. Adding a blob already in the pack (same id and type)
 * returns its offset without adding it again. Sealing happens once: a retried write stores the
 * same bytes. The memory goes back to the pool once the pack is written.
 */
final class PackBuilderImpl implements PackBuilder {
    private record Handle(BlobId id, BlobType type) {
    }

    private final VaultImpl owner;
    private final BlobCodec codec;
    private final PackPool pool;
    private final List<PackEntry> entries = new ArrayList<>();
    private final Map<Handle, Long> offsets = new HashMap<>();
    private PackMemory memory;
    private long size;
    private long sealedLength = -1;
    private PackInfo info;
    private boolean written;

    PackBuilderImpl(VaultImpl owner, BlobCodec codec, PackPool pool) {
        this.owner = owner;
        this.codec = codec;
        this.pool = pool;
    }

    Object owner() {
        return owner;
    }

    @Override
    public long add(EncodedBlob blob) {
        Long known = known(blob.id(), blob.type());
        if (known != null) {
            return known;
        }
        int len = blob.data().length;
        if (len < BlobCodec.MIN_RECORD) {
            throw Errors.invalid("blob " + blob.id() + " has " + len + " bytes, not an encoded blob");
        }
        reserve(len);
        memory.write(size, blob.data(), 0, len);
        return added(blob.id(), blob.type(), len, blob.rawLength());
    }

    @Override
    public long add(BlobType type, BlobId id, byte[] buf, int off, int len) {
        return add(type, id, ByteBuffer.wrap(buf), off, len);
    }

    @Override
    public long add(BlobType type, BlobId id, ByteBuffer buf, int off, int len) {
        Long known = known(id, type);
        if (known != null) {
            return known;
        }
        reserve(BlobCodec.maxRecord(len));
        int n = codec.encodeTo(type, id, buf, off, len, memory.at(size));
        return added(id, type, n, len);
    }

    /** The offset of a blob already here, or null; fails once sealed. */
    private Long known(BlobId id, BlobType type) {
        if (sealedLength >= 0) {
            throw Errors.invalid("pack is already sealed; start a new one");
        }
        return offsets.get(new Handle(id, type));
    }

    /** Makes room for {@code record} more bytes (failing if the pack would be too large). */
    private void reserve(long record) {
        if (size + record > PackFormat.MAX_BLOB_BYTES || entries.size() >= PackFormat.MAX_BLOBS) {
            throw Errors.invalid("pack is full (" + size + " bytes, " + entries.size() + " blobs); write it first");
        }
        ensure(size + record);
    }

    private void ensure(long capacity) {
        if (memory == null) {
            memory = pool.take(capacity);
        } else if (memory.capacity() < capacity) {
            PackMemory bigger = pool.take(Math.max(capacity, memory.capacity() + memory.capacity() / 2));
            bigger.view(size).put(memory.view(size));
            pool.release(memory);
            memory = bigger;
        }
    }

    private long added(BlobId id, BlobType type, int length, int rawLength) {
        long offset = size;
        entries.add(new PackEntry(id, type, offset, length, rawLength));
        offsets.put(new Handle(id, type), offset);
        size += length;
        return offset;
    }

    @Override
    public boolean contains(BlobId id) {
        return offsets.containsKey(new Handle(id, BlobType.DATA)) || offsets.containsKey(new Handle(id, BlobType.TREE));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int count() {
        return entries.size();
    }

    /** Seals once: blob records, sealed header, u32 LE header length; id = SHA-256 of it all. */
    PackInfo seal(SecretKey key) {
        if (info != null) {
            return info;
        }
        if (entries.isEmpty()) {
            throw Errors.invalid("pack is empty");
        }
        byte[] header = Aead.seal(key, PackFormat.HEADER_AAD, PackFormat.encodeHeader(entries));
        byte[] tail = new byte[header.length + 4];
        System.arraycopy(header, 0, tail, 0, header.length);
        LittleEndian.putInt(tail, header.length, header.length);
        long total = size + tail.length;
        ensure(total);
        memory.write(size, tail, 0, tail.length);
        sealedLength = total;
        info = new PackInfo(Ids.sha256Hex(memory.view(total)), total, List.copyOf(entries));
        return info;
    }

    /** The sealed pack: a direct buffer from position 0, whose capacity allows padding to a block. */
    ByteBuffer sealedBuffer() {
        return memory.view(sealedLength);
    }

    boolean isWritten() {
        return written;
    }

    /** Returns the memory to the pool once the pack is stored. */
    void written() {
        written = true;
        pool.release(memory);
        memory = null;
    }
}
