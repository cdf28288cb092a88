package io.streamvault.vault.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Collects encoded blobs by reference (no copy) until the pack is sealed; sealing copies each blob
 * once, into the pack buffer. Adding a blob already in the pack (same id and type) returns its
 * offset without adding it again. Sealing happens once: a retried write stores the same bytes.
 */
final class PackBuilderImpl implements PackBuilder {
    private record Handle(BlobId id, BlobType type) {
    }

    private final Object owner;
    private final List<EncodedBlob> blobs = new ArrayList<>();
    private final List<PackEntry> entries = new ArrayList<>();
    private final Map<Handle, Long> offsets = new HashMap<>();
    private long size;
    private byte[] sealed;
    private PackInfo info;
    private boolean written;

    PackBuilderImpl(Object owner) {
        this.owner = owner;
    }

    Object owner() {
        return owner;
    }

    @Override
    public long add(EncodedBlob blob) {
        if (sealed != null) {
            throw Errors.invalid("pack is already sealed; start a new one");
        }
        Handle h = new Handle(blob.id(), blob.type());
        Long known = offsets.get(h);
        if (known != null) {
            return known;
        }
        int len = blob.data().length;
        if (len < BlobCodec.MIN_RECORD) {
            throw Errors.invalid("blob " + blob.id() + " has " + len + " bytes, not an encoded blob");
        }
        if (size + len > PackFormat.MAX_BLOB_BYTES || entries.size() >= PackFormat.MAX_BLOBS) {
            throw Errors.invalid("pack is full (" + size + " bytes, " + entries.size() + " blobs); write it first");
        }
        long offset = size;
        blobs.add(blob);
        entries.add(new PackEntry(blob.id(), blob.type(), offset, len, blob.rawLength()));
        offsets.put(h, offset);
        size += len;
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
        if (blobs.isEmpty()) {
            throw Errors.invalid("pack is empty");
        }
        byte[] header = Aead.seal(key, PackFormat.HEADER_AAD, PackFormat.encodeHeader(entries));
        byte[] pack = new byte[Math.toIntExact(size + header.length + 4)];
        int p = 0;
        for (EncodedBlob b : blobs) {
            System.arraycopy(b.data(), 0, pack, p, b.data().length);
            p += b.data().length;
        }
        System.arraycopy(header, 0, pack, p, header.length);
        LittleEndian.putInt(pack, p + header.length, header.length);
        sealed = pack;
        info = new PackInfo(Ids.sha256Hex(pack), pack.length, List.copyOf(entries));
        blobs.clear();
        return info;
    }

    byte[] sealedBytes() {
        return sealed;
    }

    boolean isWritten() {
        return written;
    }

    /** Frees the sealed bytes once they are stored. */
    void written() {
        sealed = new byte[0];
        written = true;
    }
}
