package io.streamvault.vault.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.streamvault.common.FatalException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.EncodedBlob;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Blob records: plaintext is one compression flag byte (0 stored, 1 zstd, 2 zstd with one of the
 * vault's dictionaries) and the payload, sealed with AES-256-GCM and the blob type as associated
 * data. Also the zstd helpers for index objects. Thread-safe: zstd contexts and scratch buffers come
 * from bounded pools.
 */
final class BlobCodec implements AutoCloseable {
    static final byte STORED = 0;
    static final byte ZSTD = 1;
    static final byte ZSTD_DICT = 2;
    /** Smallest blob record: nonce, flag byte, tag. */
    static final int MIN_RECORD = Aead.OVERHEAD + 1;
    /**
     * zstd's largest expansion: a block holds at most 128 KiB, and the shortest block (RLE) is 4 bytes.
     * A frame whose header claims more content than this times its length is refused before the
     * claimed size is allocated.
     */
    static final long MAX_EXPANSION = (128 << 10) / 4;
    /** Scratch buffers larger than this are not kept in the pool. */
    private static final int KEEP_SCRATCH = 16 << 20;
    private static final byte[] STORED_PREFIX = {STORED};
    private static final byte[][] AAD = {{0}, {1}};

    private final SecretKey key;
    private final byte[] chunkIdKey;
    private final Pool<Compressor> compressors;
    private final Pool<Decompressor> decompressors;
    private final Dictionaries dicts;
    private final DictionaryChooser chooser;

    BlobCodec(MasterKey key, int level, Dictionaries dicts) {
        this.key = key.aes();
        this.dicts = dicts;
        this.chooser = new DictionaryChooser(dicts);
        this.chunkIdKey = key.chunkIdKey();
        int cap = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        this.compressors = new Pool<>(cap, () -> new Compressor(level), Compressor::close);
        this.decompressors = new Pool<>(cap, () -> new Decompressor(chunkIdKey), Decompressor::close);
    }

    /** For tests: how this codec picks dictionaries. */
    DictionaryChooser chooser() {
        return chooser;
    }

    /** The one-byte associated data naming a blob type: 0 DATA, 1 TREE. */
    static byte[] aad(BlobType type) {
        return AAD[typeByte(type)];
    }

    static int typeByte(BlobType type) {
        return type == BlobType.DATA ? 0 : 1;
    }

    /** The type a stored byte names, or null. */
    static BlobType type(int b) {
        return b == 0 ? BlobType.DATA : b == 1 ? BlobType.TREE : null;
    }

    private static void check(BlobType type, BlobId id, byte[] buf, int off, int len) {
        check(type, id, buf.length, off, len);
    }

    /** A blob of {@code len} bytes at {@code off} in a buffer of {@code size} (an array's length, a buffer's limit). */
    private static void check(BlobType type, BlobId id, int size, int off, int len) {
        if (type == null || id == null) {
            throw Errors.invalid("a blob needs a type and an id");
        }
        if (off < 0 || len < 0 || off > size - len) {
            throw Errors.invalid("blob range " + off + "+" + len + " is outside a buffer of " + size + " bytes");
        }
        if (len > Integer.MAX_VALUE - 64 - MIN_RECORD) {
            throw Errors.invalid("blob " + id + " of " + len + " bytes is too large");
        }
    }

    /** The longest record a blob of {@code len} bytes can make (a stored one's). */
    static long maxRecord(int len) {
        return (long) MIN_RECORD + len;
    }

    /**
     * Encodes a blob straight into native memory at {@code out} (at least {@link #maxRecord} bytes):
     * zstd when that makes it shorter, else stored as it is; then sealed. Returns the record's length.
     */
    int encodeTo(BlobType type, BlobId id, byte[] buf, int off, int len, Pointer out) {
        check(type, id, buf, off, len);
        Compressor c = compressors.take();
        try {
            int clen = compress(c, type, len, () -> c.shrink(buf, off, len),
                    () -> Arrays.copyOfRange(buf, off, off + len));
            if (clen >= 0) {
                c.scratch[0] = c.flag();
                Aead.sealTo(key, aad(type), null, c.scratch, 0, 1 + clen, out);
                return MIN_RECORD + clen;
            }
            Aead.sealTo(key, aad(type), STORED_PREFIX, buf, off, len, out);
            return MIN_RECORD + len;
        } finally {
            compressors.release(c.trim());
        }
    }

    /**
     * {@link #encodeTo(BlobType, BlobId, byte[], int, int, Pointer)} for {@code buf}'s bytes at
     * absolute indexes {@code [off, off+len)}, below its limit. From a direct buffer with OpenSSL's
     * GCM: zstd compresses into the record's place at {@code out} and GCM seals it there, or seals the
     * stored bytes straight from {@code buf}. No copy.
     */
    int encodeTo(BlobType type, BlobId id, ByteBuffer buf, int off, int len, Pointer out) {
        check(type, id, buf.limit(), off, len);
        if (buf.hasArray()) {
            return encodeTo(type, id, buf.array(), buf.arrayOffset() + off, len, out);
        }
        if (!buf.isDirect() || !NativeGcm.AVAILABLE || len < 2) {
            return encodeTo(type, id, copy(buf, off, len), 0, len, out);
        }
        Pointer src = Native.getDirectBufferPointer(buf).share(off);
        Compressor c = compressors.take();
        try {
            // The plaintext's place in the record: after the nonce, the flag byte, then the payload.
            ByteBuffer payload = out.getByteBuffer(Aead.NONCE + 1, len - 1);
            int clen = compress(c, type, len, () -> c.shrink(buf, off, len, payload), () -> copy(buf, off, len));
            if (clen >= 0) {
                out.setByte(Aead.NONCE, c.flag());
                Aead.sealNative(key, aad(type), null, out.share(Aead.NONCE), 1 + clen, out);
                return MIN_RECORD + clen;
            }
            Aead.sealNative(key, aad(type), STORED_PREFIX, src, len, out);
            return MIN_RECORD + len;
        } finally {
            compressors.release(c.trim());
        }
    }

    private static byte[] copy(ByteBuffer buf, int off, int len) {
        byte[] out = new byte[len];
        buf.get(off, out);
        return out;
    }

    /**
     * Compresses one blob with {@code shrink} (the compressed length, -1 when not shorter), with the
     * dictionary the chooser picks for small data blobs (it may try others through {@code shrink}
     * first, and take a copy of the blob as a training sample); {@link Compressor#flag} then says which.
     */
    private int compress(Compressor c, BlobType type, int len, IntSupplier shrink, Supplier<byte[]> copy) {
        if (!DictionaryChooser.eligible(type, len)) {
            c.select(null);
            return shrink.getAsInt();
        }
        DictionaryChooser.Choice choice = chooser.choose(len, d -> {
            c.select(d);
            return shrink.getAsInt();
        });
        c.select(choice.dict());
        int clen = shrink.getAsInt();
        chooser.after(choice, len, clen, copy);
        return clen;
    }

    /** One blob record in an array of its own: {@link #encodeTo}, then copied out. */
    EncodedBlob encode(BlobType type, BlobId id, byte[] buf, int off, int len) {
        check(type, id, buf, off, len);
        Memory m = new Memory(maxRecord(len));
        try {
            int n = encodeTo(type, id, buf, off, len, m);
            return new EncodedBlob(type, id, m.getByteArray(0, n), len);
        } finally {
            m.close();
        }
    }

    /**
     * Decrypts, decompresses and checks the keyed id of one blob record read from {@code loc}.
     * CORRUPT_OBJECT naming the pack and blob on any mismatch.
     */
    byte[] decode(BlobLocation loc, byte[] stored) {
        String what = (loc.type() == BlobType.TREE ? "tree blob " : "data blob ") + loc.id() + " in pack "
                + loc.pack() + " at offset " + loc.offset();
        if (stored.length < MIN_RECORD) {
            throw Errors.corrupt(what + ": record of " + stored.length + " bytes is too short");
        }
        Decompressor d = decompressors.take();
        try {
            int plainLen = stored.length - Aead.OVERHEAD;
            byte[] s = d.scratch(plainLen);
            try {
                Aead.openInto(key, aad(loc.type()), stored, 0, stored.length, s, 0);
            } catch (AEADBadTagException e) {
                throw Errors.corrupt(what + " fails authentication (damaged, or not a " + loc.type() + " blob)", e);
            }
            byte[] out;
            if (s[0] == STORED) {
                out = Arrays.copyOfRange(s, 1, plainLen);
            } else if (s[0] == ZSTD) {
                out = d.decompress(null, s, 1, plainLen - 1, loc.rawLength(), what);
            } else if (s[0] == ZSTD_DICT) {
                out = withDictionary(d, s, 1, plainLen - 1, loc, what);
            } else {
                throw Errors.corrupt(what + " has unknown compression flag " + s[0]);
            }
            if (out.length != loc.rawLength()) {
                throw Errors.corrupt(what + " has " + out.length + " bytes, the index says " + loc.rawLength());
            }
            BlobId actual = d.hasher.id(out, 0, out.length);
            if (!actual.equals(loc.id())) {
                throw Errors.corrupt(what + " holds blob " + actual + " instead");
            }
            return out;
        } finally {
            decompressors.release(d.trim());
        }
    }

    /**
     * Decompresses a frame made with one of the vault's dictionaries, the one its header names. Two
     * dictionaries with that zstd id (writers that trained at once) are both tried, and the one
     * that gives the blob's keyed id wins.
     */
    private byte[] withDictionary(Decompressor d, byte[] s, int off, int len, BlobLocation loc, String what) {
        long zstdId = DictionaryFormat.frameDictId(s, off, len);
        if (zstdId <= 0) {
            throw Errors.corrupt(what + ": compressed with a dictionary, but its zstd frame names none");
        }
        List<Dictionaries.Dict> found = dicts.forDecoding(zstdId);
        if (found.isEmpty()) {
            throw Errors.corrupt(what + " needs zstd dictionary " + zstdId + ", which no readable dicts/ object has"
                    + dicts.damage());
        }
        for (Dictionaries.Dict dict : found) {
            String with = what + " (dictionary " + dict.name + ")";
            if (found.size() == 1) {
                return d.decompress(dict, s, off, len, loc.rawLength(), with);
            }
            try {
                byte[] out = d.decompress(dict, s, off, len, loc.rawLength(), with);
                if (d.hasher.id(out, 0, out.length).equals(loc.id())) {
                    return out;
                }
            } catch (FatalException e) {
                // the other dictionary with this id
            }
        }
        throw Errors.corrupt(what + ": none of the " + found.size() + " dictionaries with zstd id " + zstdId
                + " decompresses it");
    }

    /** zstd-compresses a whole buffer (index objects). */
    byte[] compress(byte[] in) {
        Compressor c = compressors.take();
        try {
            c.select(null);
            int n = c.compress(in, 0, in.length);
            if (n < 0) {
                throw Errors.internal("zstd compression of " + in.length + " bytes failed", null);
            }
            return Arrays.copyOfRange(c.scratch, 1, 1 + n);
        } finally {
            compressors.release(c.trim());
        }
    }

    /** Decompresses one zstd frame whose content size is recorded and at most {@code max}. */
    byte[] decompress(byte[] in, int off, int len, long max, String what) {
        Decompressor d = decompressors.take();
        try {
            return d.decompress(null, in, off, len, max, what);
        } finally {
            decompressors.release(d);
        }
    }

    @Override
    public void close() {
        compressors.close();
        decompressors.close();
    }

    /**
     * zstd contexts (without and with a dictionary) and a scratch buffer whose byte 0 is left for the
     * flag. Package-private for tests.
     */
    static final class Compressor implements AutoCloseable {
        static final int SAMPLE = 16 << 10;
        static final int HASH_LOG = 18;
        final int level;
        final ZstdCompressCtx plain = new ZstdCompressCtx();
        /** The context with a dictionary loaded, and that dictionary (kept so zstd's copy stays alive). */
        ZstdCompressCtx withDict;
        Dictionaries.Dict dict;
        /** The context {@link #select} chose. */
        ZstdCompressCtx ctx = plain;
        byte[] scratch = new byte[0];

        Compressor(int level) {
            this.level = level;
            plain.setLevel(level);
            if (level >= 1 && level <= 3) {
                // zstd's hash table for these levels is 2^13 to 2^17 entries; 2^18, as from level 4 on,
                // finds more matches in 1 MiB chunks for little time. zstd's own benchmark over the
                // data set's compressible part in 1 MiB blocks: level 2 stores 726.2 MB at 376 MB/s with
                // it, 730.7 MB at 429 MB/s without, and level 3 728.3 MB at 274 MB/s (docs/performance.md).
                // Smaller inputs still get a smaller table (zstd fits it to the input).
                plain.setHashLog(HASH_LOG);
            }
            plain.setContentSize(true);
        }

        /** The flag of what {@link #select} chose: zstd, or zstd with a dictionary. */
        byte flag() {
            return ctx == plain ? ZSTD : ZSTD_DICT;
        }

        /**
         * Compresses the next blobs with {@code d}, or without a dictionary when null. The dictionary
         * context keeps zstd's table sizes for the level: a larger hash table than the dictionary
         * was prepared with would make zstd load the whole dictionary again for every blob.
         */
        void select(Dictionaries.Dict d) {
            if (d == null) {
                ctx = plain;
                return;
            }
            if (withDict == null) {
                withDict = new ZstdCompressCtx();
            }
            if (dict != d) {
                // A blob that did not fit into its own size (compressed from native memory into the
                // pack) leaves the context in the middle of a frame, where zstd refuses a new
                // dictionary ("Operation not authorized at current processing stage"): start afresh.
                withDict.reset();
                withDict.setLevel(level);
                withDict.setContentSize(true);
                withDict.loadDict(d.forCompression());
                dict = d;
            }
            ctx = withDict;
        }

        /** Compresses into scratch[1..]; returns the compressed length, or -1 if zstd failed. */
        int compress(byte[] in, int off, int len) {
            int need = 1 + (int) Math.min(Integer.MAX_VALUE - 16, Zstd.compressBound(len));
            if (scratch.length < need) {
                scratch = new byte[need];
            }
            try {
                return ctx.compressByteArray(scratch, 1, need - 1, in, off, len);
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /**
         * Compresses into scratch[1..] and returns the compressed length when that is shorter than
         * the input; -1 when the blob is to be stored as it is (incompressible, no gain, zstd failed).
         */
        int shrink(byte[] in, int off, int len) {
            if (incompressible(off, len, (at, n) -> compress(in, at, n))) {
                return -1;
            }
            int n = compress(in, off, len);
            return n >= 0 && n < len ? n : -1;
        }

        /**
         * {@link #shrink(byte[], int, int)} from a direct buffer into {@code dst} (direct, its whole
         * capacity usable; shorter than the input, so a result that does not fit is no gain).
         */
        int shrink(ByteBuffer in, int off, int len, ByteBuffer dst) {
            if (incompressible(off, len, (at, n) -> compress(in, at, n, dst))) {
                return -1;
            }
            int n = compress(in, off, len, dst);
            return n >= 0 && n < len ? n : -1;
        }

        /** Compresses into {@code dst}; the compressed length, or -1 if it does not fit or zstd failed. */
        int compress(ByteBuffer in, int off, int len, ByteBuffer dst) {
            try {
                return ctx.compressDirectByteBuffer(dst, 0, dst.capacity(), in, off, len);
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /**
         * True when samples from the start, middle and end of a large blob all fail to shrink by
         * 1%: random, encrypted or already compressed data, which is then stored as it is without
         * spending time on zstd. One compressible sample is enough to compress the whole blob.
         */
        static boolean incompressible(int off, int len, IntBinaryOperator compress) {
            if (len < 8 * SAMPLE) {
                return false;
            }
            for (int at : new int[] {off, off + len / 2 - SAMPLE / 2, off + len - SAMPLE}) {
                int n = compress.applyAsInt(at, SAMPLE);
                if (n >= 0 && n < SAMPLE - SAMPLE / 100) {
                    return false;
                }
            }
            return true;
        }

        /** Drops a scratch buffer too large to keep pinned in the pool. */
        Compressor trim() {
            if (scratch.length > KEEP_SCRATCH) {
                scratch = new byte[0];
            }
            return this;
        }

        @Override
        public void close() {
            plain.close();
            if (withDict != null) {
                withDict.close();
            }
        }
    }

    private static final class Decompressor {
        final ZstdDecompressCtx plain = new ZstdDecompressCtx();
        ZstdDecompressCtx withDict;
        Dictionaries.Dict dict;
        final HmacHasher hasher;
        byte[] scratch = new byte[0];

        Decompressor(byte[] chunkIdKey) {
            hasher = new HmacHasher(chunkIdKey);
        }

        byte[] scratch(int n) {
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, Math.min(KEEP_SCRATCH, scratch.length * 2))];
            }
            return scratch;
        }

        /** Decompresses a frame whose content size is recorded and at most {@code max}, with {@code d} if not null. */
        byte[] decompress(Dictionaries.Dict d, byte[] in, int off, int len, long max, String what) {
            ZstdDecompressCtx ctx = plain;
            if (d != null) {
                if (withDict == null) {
                    withDict = new ZstdDecompressCtx();
                }
                if (dict != d) {
                    withDict.reset(); // as for compression: no half-read frame may refuse the dictionary
                    withDict.loadDict(d.forDecompression());
                    dict = d;
                }
                ctx = withDict;
            }
            long size;
            try {
                size = Zstd.getFrameContentSize(in, off, len);
            } catch (RuntimeException e) {
                throw Errors.corrupt(what + ": not a zstd frame", e);
            }
            if (size < 0 || size > max || size > Integer.MAX_VALUE - 8) {
                throw Errors.corrupt(what + ": zstd frame content size " + size + " is unknown or larger than "
                        + max);
            }
            if (size > len * MAX_EXPANSION) {
                throw Errors.corrupt(what + ": zstd frame of " + len + " bytes claims " + size
                        + " bytes of content, more than zstd can expand it to");
            }
            byte[] out = new byte[(int) size];
            int n;
            try {
                n = ctx.decompressByteArray(out, 0, out.length, in, off, len);
            } catch (RuntimeException e) {
                throw Errors.corrupt(what + ": zstd decompression failed: " + e.getMessage(), e);
            }
            if (n != size) {
                throw Errors.corrupt(what + ": decompressed to " + n + " bytes, the frame says " + size);
            }
            return out;
        }

        Decompressor trim() {
            if (scratch.length > KEEP_SCRATCH) {
                scratch = new byte[0];
            }
            return this;
        }

        void close() {
            plain.close();
            if (withDict != null) {
                withDict.close();
            }
        }
    }
}
