package io.streamvault.vault.internal;

import io.streamvault.common.util.Hex;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Index object plaintext (before zstd and sealing with associated data {@code "index"}):
 * {@code "SVIX" || u16 version (1) || u32 pack count}, then per pack
 * {@code pack id (32) || u32 blob count}, then per blob
 * {@code type (1) || id (32) || u32 offset || u32 length || u32 raw length}. All LE.
 */
final class IndexFormat {
    static final String PREFIX = ObjectKind.INDEX.prefix();
    static final byte[] AAD = "index".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int BLOB = 1 + BlobId.LENGTH + 12;
    static final int PACK = 32 + 4;
    /** Largest index plaintext accepted: 1 GiB (about 23 million blobs). */
    static final long MAX_PLAINTEXT = 1L << 30;
    private static final byte[] MAGIC = "SVIX".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 2 + 4;

    private IndexFormat() {
    }

    static byte[] encode(List<PackInfo> packs) {
        long size = HEADER;
        for (PackInfo p : packs) {
            size += PACK + (long) BLOB * p.entries().size();
        }
        if (size > MAX_PLAINTEXT) {
            throw Errors.invalid("index of " + packs.size() + " packs is too large; write several");
        }
        byte[] b = new byte[(int) size];
        System.arraycopy(MAGIC, 0, b, 0, MAGIC.length);
        LittleEndian.putU16(b, 4, VERSION);
        LittleEndian.putInt(b, 6, packs.size());
        int p = HEADER;
        for (PackInfo pack : packs) {
            if (pack.id() == null || pack.id().length() != 64 || !Hex.isHex(pack.id())) {
                throw Errors.invalid("pack id " + pack.id() + " is not 64 lower-case hex digits");
            }
            System.arraycopy(Hex.parse(pack.id()), 0, b, p, 32);
            LittleEndian.putInt(b, p + 32, pack.entries().size());
            p += PACK;
            for (PackEntry e : pack.entries()) {
                if (e.offset() < 0 || e.offset() + e.length() > 0xFFFF_FFFFL || e.length() < BlobCodec.MIN_RECORD
                        || e.rawLength() < 0) {
                    throw Errors.invalid("blob " + e.id() + " in pack " + pack.id() + " has impossible offset "
                            + e.offset() + " or lengths " + e.length() + "/" + e.rawLength());
                }
                b[p] = (byte) BlobCodec.typeByte(e.type());
                e.id().copyTo(b, p + 1);
                LittleEndian.putU32(b, p + 33, e.offset());
                LittleEndian.putInt(b, p + 37, e.length());
                LittleEndian.putInt(b, p + 41, e.rawLength());
                p += BLOB;
            }
        }
        return b;
    }

    /** Checks the whole structure and returns the number of blob entries. */
    static long validate(byte[] b, String what) {
        if (b.length < HEADER || !Arrays.equals(b, 0, 4, MAGIC, 0, 4)) {
            throw Errors.corrupt(what + " is not an index (no SVIX header)");
        }
        int v = LittleEndian.getU16(b, 4);
        if (v != VERSION) {
            throw Errors.corrupt(what + " has index version " + v + "; this program reads " + VERSION);
        }
        long packs = LittleEndian.getU32(b, 6);
        long p = HEADER;
        long blobs = 0;
        for (long i = 0; i < packs; i++) {
            if (p + PACK > b.length) {
                throw Errors.corrupt(what + " is truncated in pack " + i + " of " + packs);
            }
            long n = LittleEndian.getU32(b, (int) p + 32);
            p += PACK;
            if (p + n * BLOB > b.length) {
                throw Errors.corrupt(what + " is truncated in the blobs of pack " + i + " of " + packs);
            }
            for (long j = 0; j < n; j++, p += BLOB) {
                int q = (int) p;
                long offset = LittleEndian.getU32(b, q + 33);
                long len = LittleEndian.getU32(b, q + 37);
                long raw = LittleEndian.getU32(b, q + 41);
                if (BlobCodec.type(b[q]) == null || len < BlobCodec.MIN_RECORD || len > Integer.MAX_VALUE
                        || raw > Integer.MAX_VALUE || offset + len > 0xFFFF_FFFFL) {
                    throw Errors.corrupt(what + ": blob " + j + " of pack " + i + " has a bad type or lengths");
                }
            }
            blobs += n;
        }
        if (p != b.length) {
            throw Errors.corrupt(what + " has " + (b.length - p) + " bytes after its last pack");
        }
        return blobs;
    }

    /** Hands every entry of a validated index to the sink. */
    static void forEach(byte[] b, Consumer<io.streamvault.vault.BlobLocation> sink) {
        long packs = LittleEndian.getU32(b, 6);
        int p = HEADER;
        for (long i = 0; i < packs; i++) {
            String pack = Hex.of(Arrays.copyOfRange(b, p, p + 32));
            int n = LittleEndian.getInt(b, p + 32);
            p += PACK;
            for (int j = 0; j < n; j++, p += BLOB) {
                sink.accept(new io.streamvault.vault.BlobLocation(io.streamvault.vault.BlobId.of(b, p + 1),
                        BlobCodec.type(b[p]), pack, LittleEndian.getU32(b, p + 33), LittleEndian.getInt(b, p + 37),
                        LittleEndian.getInt(b, p + 41)));
            }
        }
    }

    /** Adds every entry of a validated index to the builder. */
    static void fill(byte[] b, CompactIndex.Builder into) {
        long packs = LittleEndian.getU32(b, 6);
        int p = HEADER;
        for (long i = 0; i < packs; i++) {
            int ref = into.pack(Hex.of(Arrays.copyOfRange(b, p, p + 32)));
            int n = LittleEndian.getInt(b, p + 32);
            p += PACK;
            for (int j = 0; j < n; j++, p += BLOB) {
                into.add(ref, b[p], b, p + 1, LittleEndian.getInt(b, p + 33), LittleEndian.getInt(b, p + 37),
                        LittleEndian.getInt(b, p + 41));
            }
        }
    }
}
