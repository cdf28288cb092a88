package io.streamvault.vault.internal;

import io.streamvault.vault.ObjectKind;
import java.nio.charset.StandardCharsets;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Dictionary objects, {@code dicts/<id>}: one zstd dictionary sealed with AAD {@code "dict"}; the
 * id is the SHA-256 of the stored bytes. Also reads the dictionary id a zstd frame header names.
 */
final class DictionaryFormat {
    static final String PREFIX = ObjectKind.DICTIONARY.prefix();
    static final byte[] AAD = "dict".getBytes(StandardCharsets.US_ASCII);
    /** Larger dictionary plaintexts are refused (ours are 112 KiB). */
    static final int MAX_BYTES = 1 << 20;
    /** zstd's dictionary magic number, little-endian at offset 0; the dictionary id follows. */
    private static final int DICT_MAGIC = 0xEC30A437;
    private static final int FRAME_MAGIC = 0xFD2FB528;

    private DictionaryFormat() {
    }

    /** The dictionary's bytes with its zstd dictionary id (bytes 4..8) set to {@code zstdId}. */
    static byte[] withId(byte[] dict, int zstdId) {
        if (dict.length < 8 || LittleEndian.getInt(dict, 0) != DICT_MAGIC) {
            throw Errors.internal("zstd trained something that is not a dictionary", null);
        }
        byte[] out = dict.clone();
        LittleEndian.putInt(out, 4, zstdId);
        return out;
    }

    static byte[] seal(SecretKey key, byte[] dict) {
        return Aead.seal(key, AAD, dict);
    }

    /**
     * The checked plaintext of the dictionary object {@code name}: the SHA-256 matches the name, it
     * authenticates, it is a zstd dictionary of a sane size with a non-zero id. CORRUPT_OBJECT
     * (naming it) otherwise.
     */
    static byte[] open(SecretKey key, String name, byte[] stored, String location) {
        String what = "dictionary object " + name + " in " + location;
        String id = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : "";
        if (!Ids.isId(id)) {
            throw Errors.corrupt(what + ": name is not dicts/<64 hex digits>");
        }
        if (!Ids.sha256Hex(stored).equals(id)) {
            throw Errors.corrupt(what + ": content does not match its name (SHA-256)");
        }
        byte[] dict;
        try {
            dict = Aead.open(key, AAD, stored);
        } catch (AEADBadTagException e) {
            throw Errors.corrupt(what + " fails authentication", e);
        }
        if (dict.length < 8 || dict.length > MAX_BYTES || LittleEndian.getInt(dict, 0) != DICT_MAGIC
                || zstdId(dict) == 0) {
            throw Errors.corrupt(what + " is not a zstd dictionary (" + dict.length + " bytes)");
        }
        return dict;
    }

    /** The zstd dictionary id of a dictionary's bytes. */
    static int zstdId(byte[] dict) {
        return LittleEndian.getInt(dict, 4);
    }

    /**
     * The dictionary id in the header of the zstd frame at {@code buf[off, off+len)}: 0 when the
     * frame names none, -1 when it is not a zstd frame header. See RFC 8878 §3.1.1.1.
     */
    static long frameDictId(byte[] buf, int off, int len) {
        if (len < 6 || LittleEndian.getInt(buf, off) != FRAME_MAGIC) {
            return -1;
        }
        int descriptor = buf[off + 4] & 0xff;
        int size = new int[] {0, 1, 2, 4}[descriptor & 3];
        boolean singleSegment = (descriptor & 0x20) != 0;
        int at = off + 5 + (singleSegment ? 0 : 1);
        if (at + size > off + len) {
            return -1;
        }
        long id = 0;
        for (int i = size - 1; i >= 0; i--) {
            id = (id << 8) | (buf[at + i] & 0xff);
        }
        return id;
    }
}
