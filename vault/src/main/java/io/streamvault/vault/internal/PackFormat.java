package io.streamvault.vault.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pack layout: blob records, then the sealed header (associated data {@code "pack"}), then the
 * sealed header's length as u32 LE. Header plaintext: u32 LE count, then per blob
 * {@code type (1) || id (32) || stored length (u32 LE) || raw length (u32 LE)}; offsets are the
 * running sum of stored lengths.
 */
final class PackFormat {
    static final String PREFIX = ObjectKind.PACK.prefix();
    static final byte[] HEADER_AAD = "pack".getBytes(StandardCharsets.US_ASCII);
    static final int ENTRY = 1 + BlobId.LENGTH + 4 + 4;
    /** Most blobs in one pack, so the header stays below 64 MiB. */
    static final int MAX_BLOBS = 1_000_000;
    /** Most blob bytes in one pack: the whole pack must fit one Java array. */
    static final long MAX_BLOB_BYTES = Integer.MAX_VALUE - (64L << 20);

    private PackFormat() {
    }

    /** {@code data/<first two hex digits>/<id>} */
    static String objectName(String packId) {
        return ObjectKind.PACK.objectName(packId);
    }

    /** Bytes of a pack holding blob records of these stored lengths: the records, the sealed header and its length. */
    static long size(int blobs, long recordBytes) {
        return recordBytes + Aead.OVERHEAD + 4 + (long) ENTRY * blobs + 4;
    }

    static byte[] encodeHeader(List<PackEntry> entries) {
        byte[] h = new byte[4 + ENTRY * entries.size()];
        LittleEndian.putInt(h, 0, entries.size());
        int p = 4;
        for (PackEntry e : entries) {
            h[p] = (byte) BlobCodec.typeByte(e.type());
            e.id().copyTo(h, p + 1);
            LittleEndian.putInt(h, p + 33, e.length());
            LittleEndian.putInt(h, p + 37, e.rawLength());
            p += ENTRY;
        }
        return h;
    }

    /** Parses a header; {@code blobBytes} is the pack size minus header and trailer. */
    static List<PackEntry> decodeHeader(byte[] h, long blobBytes, String what) {
        if (h.length < 4) {
            throw Errors.corrupt(what + ": pack header of " + h.length + " bytes is too short");
        }
        long count = LittleEndian.getU32(h, 0);
        if (count * ENTRY + 4 != h.length) {
            throw Errors.corrupt(what + ": pack header says " + count + " blobs but has " + h.length + " bytes");
        }
        List<PackEntry> out = new ArrayList<>((int) count);
        long offset = 0;
        for (int i = 0, p = 4; i < count; i++, p += ENTRY) {
            BlobType type = BlobCodec.type(h[p]);
            if (type == null) {
                throw Errors.corrupt(what + ": blob " + i + " has unknown type " + h[p]);
            }
            long len = LittleEndian.getU32(h, p + 33);
            long raw = LittleEndian.getU32(h, p + 37);
            if (len < BlobCodec.MIN_RECORD || len > Integer.MAX_VALUE || raw > Integer.MAX_VALUE) {
                throw Errors.corrupt(what + ": blob " + i + " has impossible lengths " + len + "/" + raw);
            }
            out.add(new PackEntry(BlobId.of(h, p + 1), type, offset, (int) len, (int) raw));
            offset += len;
        }
        if (offset != blobBytes) {
            throw Errors.corrupt(what + ": header lists " + offset + " bytes of blobs, the pack holds " + blobBytes);
        }
        return out;
    }
}
