package io.streamvault.vault.internal;

import static io.streamvault.common.HostileInput.PER_BYTE;
import static io.streamvault.common.HostileInput.ZSTD_PER_BYTE;
import static io.streamvault.common.HostileInput.errorsOnly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.github.luben.zstd.Zstd;
import io.streamvault.common.HostileInput;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Tree;
import io.streamvault.vault.VaultOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the parsers of every vault object (docs/reliability.md, Hostile and damaged
 * input). Each input is stored as an object (or sealed first, so that the parser behind the
 * authentication is reached too) and read back the way the vault reads it: any input gives a
 * result or a StreamVaultException, within {@link HostileInput}'s time and heap budget.
 *
 * <p>Without {@code JAZZER_FUZZ} each target runs once per seed under
 * {@code src/test/resources/.../VaultObjectsFuzzTestInputs/<target>/} (regression mode, part of the
 * unit tests); {@code bench/fuzz.sh} fuzzes them. The first byte of an input picks how the rest is
 * stored: see each target.
 */
@Timeout(HostileInput.TIMEOUT_SECONDS)
class VaultObjectsFuzzTest {
    /** A pack id for objects stored under a fixed name. */
    private static final String PACK = "ab".repeat(32);
    private static final MemoryStorage STORAGE = new MemoryStorage();
    private static final MasterKey KEY = FuzzSeeds.KEY;
    private static final VaultImpl VAULT = VaultImpl.create(STORAGE,
            ConfigFile.create(VaultOptions.defaults().withKdfLogN(10)), KEY, 1 << 10, "fuzz");

    private static byte[] rest(byte[] in) {
        return in.length == 0 ? in : Arrays.copyOfRange(in, 1, in.length);
    }

    private static int mode(byte[] in) {
        return in.length == 0 ? 0 : in[0] & 0xff;
    }

    private static byte[] seal(byte[] aad, byte[] plain) {
        return Aead.seal(KEY.aes(), aad, plain);
    }

    private static String store(String prefix, byte[] stored) {
        String id = Ids.sha256Hex(stored);
        STORAGE.putIfAbsent(prefix + id, stored);
        return id;
    }

    /**
     * Packs, read from the tail as a check or an index rebuild does. Mode 0: the rest is the whole
     * pack. Mode 1: the rest is a header plaintext after a u16 LE length of blob records, sealed and
     * laid out as a writer does.
     */
    @FuzzTest
    void packHeader(byte[] in) {
        STORAGE.clear();
        errorsOnly(in, PER_BYTE, () -> {
            byte[] body = rest(in);
            byte[] pack = body;
            if (mode(in) % 2 == 1 && body.length >= 2) {
                int records = LittleEndian.getU16(body, 0);
                byte[] sealed = seal(PackFormat.HEADER_AAD, Arrays.copyOfRange(body, 2, body.length));
                pack = new byte[records + sealed.length + 4];
                System.arraycopy(sealed, 0, pack, records, sealed.length);
                LittleEndian.putInt(pack, records + sealed.length, sealed.length);
            }
            STORAGE.putIfAbsent(PackFormat.objectName(PACK), pack);
            VAULT.readPackHeader(PACK);
        });
    }

    /**
     * Index objects, loaded as every reader loads them. Mode 0: the rest is the stored object. Mode 1:
     * the rest is the zstd frame inside the sealed box. Mode 2: the rest is the plaintext, compressed
     * and sealed as a writer does.
     */
    @FuzzTest
    void indexObject(byte[] in) {
        STORAGE.clear();
        errorsOnly(in, ZSTD_PER_BYTE, () -> {
            byte[] body = rest(in);
            byte[] stored = switch (mode(in) % 3) {
                case 0 -> body;
                case 1 -> seal(IndexFormat.AAD, body);
                default -> seal(IndexFormat.AAD, Zstd.compress(body, 1));
            };
            String name = IndexFormat.PREFIX + store(IndexFormat.PREFIX, stored);
            List<BlobLocation> seen = new ArrayList<>();
            VAULT.readIndex(name, seen::add);
            VAULT.loadIndex(e -> { }).forEach(seen::add);
        });
    }

    /** Tree blob plaintexts (JSON), decoded and, when they decode, encoded again. */
    @FuzzTest
    void tree(byte[] in) {
        errorsOnly(in, PER_BYTE, () -> {
            Tree t = TreeDecoder.decode(in);
            TreeCodec.encode(t);
        });
    }

    /**
     * Snapshot objects, listed and loaded. Mode 0: the rest is the stored object. Mode 1: the rest is
     * the JSON plaintext, sealed.
     */
    @FuzzTest
    void snapshot(byte[] in) {
        STORAGE.clear();
        errorsOnly(in, PER_BYTE, () -> {
            byte[] body = rest(in);
            byte[] stored = mode(in) % 2 == 0 ? body : seal(SnapshotCodec.AAD, body);
            String id = store(SnapshotCodec.PREFIX, stored);
            try (VaultImpl v = VaultImpl.create(STORAGE, VAULT.config(), KEY, 1 << 10, "fuzz")) {
                v.listSnapshots(e -> { });
                v.loadSnapshot(id);
            }
        });
    }

    /**
     * Key objects (plain JSON), parsed, and opened with a password when their scrypt parameters are
     * cheap; the master key JSON they seal, parsed on its own.
     */
    @FuzzTest
    void keyObject(byte[] in) {
        errorsOnly(in, PER_BYTE, () -> {
            try {
                MasterKey.fromJson(in, "fuzzed master key");
            } catch (StreamVaultException e) {
                // a clear error; the key object parse below must be one too
            }
            KeyFile.Params p = KeyFile.parse(KeyFile.PREFIX + "fuzz", in, "memory:");
            if ((long) p.n() * p.r() * p.p() <= 1 << 10) {
                KeyFile.unlock(p, "fuzz".toCharArray(), "memory:");
            }
        });
    }

    /**
     * The config object. Mode 0: the rest is the stored object (it fails authentication, or earlier).
     * Mode 1: the rest is the JSON plaintext, sealed under the real header.
     */
    @FuzzTest
    void config(byte[] in) {
        errorsOnly(in, PER_BYTE, () -> {
            byte[] body = rest(in);
            byte[] stored = body;
            if (mode(in) % 2 == 1) {
                byte[] good = ConfigFile.encode(VAULT.config(), KEY);
                byte[] header = Arrays.copyOf(good, ConfigFile.HEADER);
                byte[] sealed = Aead.seal(KEY.aes(), header, body);
                stored = Arrays.copyOf(header, header.length + sealed.length);
                System.arraycopy(sealed, 0, stored, header.length, sealed.length);
            }
            ConfigFile.checkHeader(stored, "memory:");
            try {
                ConfigFile.decode(stored, KEY, "memory:");
            } catch (AEADBadTagException e) {
                // not this key's config: what open reports for a damaged config
            }
        });
    }

    /**
     * Dictionary objects, read as a blob compressed with them is decoded. Mode 0: the rest is the
     * stored object. Mode 1: the rest is the dictionary, sealed. Then a blob whose zstd frame names
     * the dictionary's id (a raw block of {@code "fuzz"}) is read through the vault.
     */
    @FuzzTest
    void dictionary(byte[] in) {
        STORAGE.clear();
        errorsOnly(in, ZSTD_PER_BYTE, () -> {
            byte[] body = rest(in);
            byte[] stored = mode(in) % 2 == 0 ? body : DictionaryFormat.seal(KEY.aes(), body);
            String name = DictionaryFormat.PREFIX + store(DictionaryFormat.PREFIX, stored);
            int zstdId = body.length >= 8 ? LittleEndian.getInt(body, 4) : 1;
            byte[] content = "fuzz".getBytes(StandardCharsets.US_ASCII);
            try (VaultImpl v = VaultImpl.create(STORAGE, VAULT.config(), KEY, 1 << 10, "fuzz")) {
                try {
                    v.readDictionary(name);
                } catch (StreamVaultException e) {
                    // named as damaged: the blob below must fail clearly too
                }
                byte[] plain = new byte[1 + 4 + 1 + 4 + 1 + 3 + content.length];
                plain[0] = BlobCodec.ZSTD_DICT;
                LittleEndian.putInt(plain, 1, 0xFD2FB528); // zstd frame magic
                plain[5] = 0x23; // single segment, 4-byte dictionary id, 1-byte content size
                LittleEndian.putInt(plain, 6, zstdId);
                plain[10] = (byte) content.length;
                int block = content.length << 3 | 1; // last block, raw
                plain[11] = (byte) block;
                plain[12] = (byte) (block >> 8);
                plain[13] = (byte) (block >> 16);
                System.arraycopy(content, 0, plain, 14, content.length);
                byte[] record = seal(BlobCodec.aad(BlobType.DATA), plain);
                STORAGE.putIfAbsent(PackFormat.objectName(PACK), record);
                BlobId id = v.newHasher().id(content, 0, content.length);
                v.readBlob(new BlobLocation(id, BlobType.DATA, PACK, 0, record.length, content.length));
            }
        });
    }

    /**
     * Blob records, read as a restore reads them. Byte 0: bit 0 the type (DATA, TREE); bytes 1-3 the
     * raw length the index gives (u24 LE); the rest the plaintext (compression flag, payload), sealed.
     */
    @FuzzTest
    void blobRecord(byte[] in) {
        STORAGE.clear();
        errorsOnly(in, ZSTD_PER_BYTE, () -> {
            if (in.length < 4) {
                return;
            }
            BlobType type = (in[0] & 1) == 0 ? BlobType.DATA : BlobType.TREE;
            int raw = (in[1] & 0xff) | (in[2] & 0xff) << 8 | (in[3] & 0xff) << 16;
            byte[] record = seal(BlobCodec.aad(type), Arrays.copyOfRange(in, 4, in.length));
            STORAGE.putIfAbsent(PackFormat.objectName(PACK), record);
            BlobId id = VAULT.newHasher().id(in, 0, 0);
            byte[] out = VAULT.readBlob(new BlobLocation(id, type, PACK, 0, record.length, raw));
            if (type == BlobType.TREE) {
                VAULT.decodeTree(out);
            }
        });
    }

    /** Lock records: the rest of the input is the JSON plaintext, sealed (mode 1) or stored as it is (mode 0). */
    @FuzzTest
    void lockRecord(byte[] in) {
        errorsOnly(in, PER_BYTE, () -> {
            byte[] body = rest(in);
            byte[] stored = mode(in) % 2 == 0 ? body : Aead.seal(KEY.aes(), "lock".getBytes(
                    StandardCharsets.US_ASCII), body);
            LockRecord.open(Ids.sha256Hex(stored), stored, KEY, "memory:");
        });
    }
}
