package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small blobs compressed with a dictionary trained from the first ones, read back by another process. */
class DictionariesTest {
    private static final int SAMPLES = 256 << 10;
    private static final String[] WORDS = ("public static final class return import package void int long if else"
            + " for while throw new private protected synchronized volatile byte String List Map null true false"
            + " the of and to in is that it with as was on be by this are from or have an they which").split(" ");

    @TempDir
    Path dir;
    private Storage storage;
    private final MasterKey key = MasterKey.random();
    private final List<BlobCodec> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        storage = Storages.open(dir.toString());
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        open.forEach(BlobCodec::close);
    }

    /** A codec as a new process has it: nothing read from the vault yet. */
    private BlobCodec codec() {
        BlobCodec c = new BlobCodec(key, 2, new Dictionaries(storage, key.aes(), 2, SAMPLES));
        open.add(c);
        return c;
    }

    /** Source-like text: the same few words in a different order in every blob. */
    private static byte[] text(Random r, int len) {
        StringBuilder b = new StringBuilder(len + 16);
        while (b.length() < len) {
            b.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(9) == 0 ? ";\n    " : " ");
        }
        return b.substring(0, len).getBytes(StandardCharsets.US_ASCII);
    }

    private BlobId id(byte[] b) {
        return new HmacHasher(key.chunkIdKey()).id(b, 0, b.length);
    }

    private EncodedBlob encode(BlobCodec c, BlobType type, byte[] b) {
        return c.encode(type, id(b), b, 0, b.length);
    }

    private byte flag(EncodedBlob e) throws Exception {
        return Aead.open(key.aes(), BlobCodec.aad(e.type()), e.data())[0];
    }

    private static BlobLocation at(EncodedBlob e) {
        return new BlobLocation(e.id(), e.type(), "0".repeat(64), 0, e.data().length, e.rawLength());
    }

    private List<Path> dictionaryFiles() throws Exception {
        Path d = dir.resolve("dicts");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    /** Encodes text blobs until the trained dictionary is in use; returns that blob. */
    private EncodedBlob trainAndUse(BlobCodec c, Random r) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            EncodedBlob e = encode(c, BlobType.DATA, text(r, 4000 + r.nextInt(8000)));
            if (flag(e) == BlobCodec.ZSTD_DICT) {
                return e;
            }
            assertEquals(BlobCodec.ZSTD, flag(e), "compressed without a dictionary until one is trained");
        }
        throw new AssertionError("no dictionary was trained and used within 30 s");
    }

    @Test
    void smallBlobsUseATrainedDictionaryThatIsStoredFirstAndReadByAnotherProcess() throws Exception {
        Random r = new Random(1);
        BlobCodec writer = codec();
        EncodedBlob first = encode(writer, BlobType.DATA, text(r, 6000));
        EncodedBlob withDict = trainAndUse(writer, r);
        assertEquals(1, dictionaryFiles().size(), "one dictionary, stored before the first blob that needs it");

        byte[] same = text(new Random(7), 9000);
        BlobCodec elsewhere = new BlobCodec(key, 2, new Dictionaries(Storages.open(dir.resolve("empty").toString()),
                key.aes(), 2, SAMPLES));
        open.add(elsewhere);
        EncodedBlob plainCopy = elsewhere.encode(BlobType.DATA, id(same), same, 0, same.length);
        assertEquals(BlobCodec.ZSTD, flag(plainCopy), "a vault without a dictionary");
        // a new process finds the dictionary and uses it at once, without training another
        BlobCodec second = codec();
        EncodedBlob dictCopy = second.encode(BlobType.DATA, id(same), same, 0, same.length);
        assertEquals(BlobCodec.ZSTD_DICT, flag(dictCopy));
        assertEquals(1, dictionaryFiles().size());
        assertTrue(dictCopy.data().length < plainCopy.data().length * 0.95,
                "the dictionary shrinks a small blob: " + dictCopy.data().length + " against "
                        + plainCopy.data().length);
        assertEquals(BlobCodec.ZSTD_DICT, flag(encode(writer, BlobType.DATA, same)), "and the first process too");

        BlobCodec reader = codec();
        assertArrayEquals(same, reader.decode(at(dictCopy), dictCopy.data()));
        byte[] firstPlain = reader.decode(at(first), first.data());
        assertEquals(6000, firstPlain.length);
        assertEquals(withDict.rawLength(), reader.decode(at(withDict), withDict.data()).length);
    }

    @Test
    void largeBlobsTreesAndDirectBuffersFollowTheRules() throws Exception {
        Random r = new Random(2);
        BlobCodec c = codec();
        trainAndUse(c, r);
        byte[] big = text(r, Dictionaries.MAX_BLOB + 1);
        assertEquals(BlobCodec.ZSTD, flag(encode(c, BlobType.DATA, big)), "larger blobs: no dictionary");
        byte[] small = text(r, 5000);
        assertEquals(BlobCodec.ZSTD, flag(encode(c, BlobType.TREE, small)), "trees: no dictionary");
        EncodedBlob array = encode(c, BlobType.DATA, small);
        ByteBuffer direct = ByteBuffer.allocateDirect(small.length + 10);
        direct.put(10, small);
        try (com.sun.jna.Memory m = new com.sun.jna.Memory(BlobCodec.maxRecord(small.length))) {
            int n = c.encodeTo(BlobType.DATA, id(small), direct, 10, small.length, m);
            EncodedBlob fromDirect = new EncodedBlob(BlobType.DATA, id(small), m.getByteArray(0, n), small.length);
            assertEquals(BlobCodec.ZSTD_DICT, flag(fromDirect));
            assertEquals(array.data().length, n, "the same record length from native memory as from an array");
            assertArrayEquals(small, codec().decode(at(fromDirect), fromDirect.data()));
        }
    }

    @Test
    void aMissingOrDamagedDictionaryIsReportedByName() throws Exception {
        Random r = new Random(3);
        EncodedBlob e = trainAndUse(codec(), r);
        Path dict = dictionaryFiles().get(0);
        String name = "dicts/" + dict.getFileName();

        byte[] good = Files.readAllBytes(dict);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(dict, bad);
        FatalException damaged = assertThrows(FatalException.class, () -> codec().decode(at(e), e.data()));
        assertEquals(ErrorCode.CORRUPT_OBJECT, damaged.code());
        assertTrue(damaged.getMessage().contains("needs zstd dictionary") && damaged.getMessage().contains(name)
                && damaged.getMessage().contains("SHA-256"), damaged.getMessage());

        Files.delete(dict);
        FatalException missing = assertThrows(FatalException.class, () -> codec().decode(at(e), e.data()));
        assertEquals(ErrorCode.CORRUPT_OBJECT, missing.code());
        assertTrue(missing.getMessage().contains("needs zstd dictionary"), missing.getMessage());

        Files.write(dict, good);
        assertEquals(e.rawLength(), codec().decode(at(e), e.data()).length, "restored, it reads again");
        FatalException notOurs = assertThrows(FatalException.class,
                () -> new Dictionaries(storage, MasterKey.random().aes(), 2, SAMPLES).read(name));
        assertTrue(notOurs.getMessage().contains("fails authentication"), notOurs.getMessage());
    }

    @Test
    void frameHeadersNameTheirDictionary() {
        Random r = new Random(4);
        List<byte[]> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            samples.add(text(r, 3000));
        }
        byte[] trained = new byte[16 << 10];
        long n = Zstd.trainFromBuffer(samples.toArray(new byte[0][]), trained);
        byte[] dict = DictionaryFormat.withId(java.util.Arrays.copyOf(trained, (int) n), 40000);
        for (int size : new int[] {100, 5000, 70000}) {
            byte[] in = text(r, size);
            try (ZstdCompressCtx c = new ZstdCompressCtx()) {
                c.setContentSize(true);
                c.loadDict(dict);
                byte[] frame = c.compress(in);
                assertEquals(40000, DictionaryFormat.frameDictId(frame, 0, frame.length));
                assertEquals(Zstd.getDictIdFromFrame(frame), DictionaryFormat.frameDictId(frame, 0, frame.length));
            }
            byte[] plain = Zstd.compress(in, 2);
            assertEquals(0, DictionaryFormat.frameDictId(plain, 0, plain.length));
        }
        assertEquals(-1, DictionaryFormat.frameDictId(new byte[] {1, 2, 3, 4, 5, 6, 7}, 0, 7));
    }
}
