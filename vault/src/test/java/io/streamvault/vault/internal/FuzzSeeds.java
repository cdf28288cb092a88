package io.streamvault.vault.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictTrainer;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.Node;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.Tree;
import io.streamvault.vault.VaultOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.AEADBadTagException;

/**
 * Writes the seed inputs of {@link VaultObjectsFuzzTest}: valid objects of every kind, made with the
 * vault's own encoders under {@link #KEY} (fixed, so that sealed seeds still open in every run).
 * Run once when a format changes: {@code java -cp ... io.streamvault.vault.internal.FuzzSeeds
 * vault/src/test/resources/io/streamvault/vault/internal/VaultObjectsFuzzTestInputs}.
 */
final class FuzzSeeds {
    /** The master key of every fuzz target: fixed bytes, so seeds made with it keep opening. */
    static final MasterKey KEY = MasterKey.fromJson(("{\"encrypt\":\"" + fixed(1) + "\",\"chunk_id\":\"" + fixed(2)
            + "\",\"nonce\":\"" + fixed(3) + "\"}").getBytes(StandardCharsets.US_ASCII), "the fuzz targets' key");

    private FuzzSeeds() {
    }

    private static String fixed(int seed) {
        byte[] b = new byte[MasterKey.LENGTH];
        new Random(seed).nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        MemoryStorage storage = new MemoryStorage();
        try (VaultImpl v = VaultImpl.create(storage, ConfigFile.create(VaultOptions.defaults().withKdfLogN(10)), KEY,
                1 << 10, "fuzz")) {
            byte[] data = "some file content, some file content, some file content\n".repeat(20)
                    .getBytes(StandardCharsets.UTF_8);
            BlobId dataId = v.newHasher().id(data, 0, data.length);
            Tree tree = new Tree(List.of(
                    new Node("a.txt".getBytes(StandardCharsets.UTF_8), FileKind.FILE, 0644, 1000, 1000, data.length,
                            1_700_000_000_000_000_000L, 1_700_000_000_000_000_000L, 1_700_000_000_000_000_001L, 42, 66306,
                            1, 0, null, List.of(new Xattr("user.k".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1})),
                            List.of(dataId), null, null, false),
                    new Node("link".getBytes(StandardCharsets.UTF_8), FileKind.SYMLINK, 0777, 0, 0, 5, 1, 1, 1, 43, 66306,
                            1, 0, "a.txt".getBytes(StandardCharsets.UTF_8), List.of(), List.of(), null, null, false),
                    new Node("sub".getBytes(StandardCharsets.UTF_8), FileKind.DIR, 0755, 0, 0, 0, 1, 1, 1, 44, 66306,
                            2, 0, null, List.of(), List.of(), dataId, null, false)));
            byte[] treeJson = TreeCodec.encode(tree);
            BlobId treeId = v.newHasher().id(treeJson, 0, treeJson.length);

            PackBuilder pb = v.newPack();
            EncodedBlob d = v.encode(BlobType.DATA, dataId, data, 0, data.length);
            EncodedBlob t = v.encode(BlobType.TREE, treeId, treeJson, 0, treeJson.length);
            pb.add(d);
            pb.add(t);
            PackInfo pack = v.writePack(pb);
            byte[] packBytes = storage.get(PackFormat.objectName(pack.id()));
            write(out, "packHeader", "stored", 0, packBytes);
            List<PackEntry> entries = pack.entries();
            int records = (int) (entries.get(1).offset() + entries.get(1).length());
            byte[] header = PackFormat.encodeHeader(entries);
            byte[] m1 = new byte[2 + header.length];
            LittleEndian.putU16(m1, 0, records);
            System.arraycopy(header, 0, m1, 2, header.length);
            write(out, "packHeader", "header", 1, m1);

            String index = v.writeIndex(List.of(pack));
            byte[] indexPlain = IndexFormat.encode(List.of(pack));
            write(out, "indexObject", "stored", 0, storage.get(index));
            write(out, "indexObject", "frame", 1, Zstd.compress(indexPlain, 1));
            write(out, "indexObject", "plaintext", 2, indexPlain);

            raw(out, "tree", "tree", treeJson);
            raw(out, "tree", "split", TreeCodec.encode(new Tree(List.of(), List.of(treeId,
                    dataId))));

            Snapshot snap = new Snapshot(1, 1_700_000_000_000_000_000L, 1_700_000_000_100_000_000L, treeId,
                    "/data".getBytes(StandardCharsets.UTF_8), "node-1", "alice", List.of("daily"), "cd".repeat(32),
                    "job-7", false, List.of("w"), 1, Map.of("files_new", 3L));
            byte[] snapJson = SnapshotCodec.encode(snap);
            write(out, "snapshot", "stored", 0, Aead.seal(KEY.aes(), SnapshotCodec.AAD, snapJson));
            write(out, "snapshot", "plaintext", 1, snapJson);
            write(out, "snapshot", "retained", 1, SnapshotCodec.encode(snap.retained(1_800_000_000_000_000_000L,
                    LockMode.GOVERNANCE)));

            raw(out, "keyObject", "key", KeyFile.create(KEY, "fuzz".toCharArray(), 1 << 10));
            raw(out, "keyObject", "masterKey", KEY.toJson());

            byte[] config = ConfigFile.encode(v.config(), KEY);
            write(out, "config", "stored", 0, config);
            try {
                write(out, "config", "plaintext", 1, Aead.open(KEY.aes(), Arrays.copyOf(config, ConfigFile.HEADER),
                        config, ConfigFile.HEADER, config.length - ConfigFile.HEADER));
            } catch (AEADBadTagException e) {
                throw new IllegalStateException(e);
            }

            byte[] dict = trainedDictionary();
            write(out, "dictionary", "stored", 0, DictionaryFormat.seal(KEY.aes(), dict));
            write(out, "dictionary", "plaintext", 1, dict);

            byte[] stored = new byte[data.length + 1];
            System.arraycopy(data, 0, stored, 1, data.length);
            raw(out, "blobRecord", "stored", blob(BlobType.DATA, data.length, stored));
            byte[] frame = Zstd.compress(data, 2);
            byte[] compressed = new byte[frame.length + 1];
            compressed[0] = BlobCodec.ZSTD;
            System.arraycopy(frame, 0, compressed, 1, frame.length);
            raw(out, "blobRecord", "zstd", blob(BlobType.DATA, data.length, compressed));
            byte[] treePlain = new byte[treeJson.length + 1];
            System.arraycopy(treeJson, 0, treePlain, 1, treeJson.length);
            raw(out, "blobRecord", "tree", blob(BlobType.TREE, treeJson.length, treePlain));

            write(out, "lockRecord", "lock", 1, open(LockRecord.lock(1, "k", LockMode.COMPLIANCE, Duration.ofDays(30),
                    Duration.ofDays(90), 5, List.of("k2"), false).seal(KEY)));
            write(out, "lockRecord", "retain", 1, open(LockRecord.retain(1, "k", "ef".repeat(32), 9,
                    LockMode.GOVERNANCE).seal(KEY)));
            write(out, "lockRecord", "hold", 1, open(LockRecord.hold(1, "k", "ef".repeat(32), "h1", "case").seal(KEY)));
        }
    }

    private static byte[] open(byte[] lockRecord) {
        try {
            return Aead.open(KEY.aes(), "lock".getBytes(StandardCharsets.US_ASCII), lockRecord);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A blobRecord input: type, the raw length as u24, the plaintext. */
    private static byte[] blob(BlobType type, int raw, byte[] plain) {
        byte[] in = new byte[4 + plain.length];
        in[0] = (byte) (type == BlobType.DATA ? 0 : 1);
        in[1] = (byte) raw;
        in[2] = (byte) (raw >> 8);
        in[3] = (byte) (raw >> 16);
        System.arraycopy(plain, 0, in, 4, plain.length);
        return in;
    }

    private static byte[] trainedDictionary() {
        ZstdDictTrainer trainer = new ZstdDictTrainer(1 << 20, 4 << 10);
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            trainer.addSample(("{\"name\":\"file-" + r.nextInt(1000) + ".txt\",\"size\":" + r.nextInt(1 << 20)
                    + ",\"owner\":\"user" + r.nextInt(20) + "\",\"tags\":[\"a\",\"b\"]}\n").getBytes(StandardCharsets.UTF_8));
        }
        return DictionaryFormat.withId(trainer.trainSamples(), 40000);
    }

    private static void raw(Path out, String target, String name, byte[] in) throws IOException {
        Files.write(Files.createDirectories(out.resolve(target)).resolve(name), in);
    }

    /** An input of a target whose first byte is the mode. */
    private static void write(Path out, String target, String name, int mode, byte[] body) throws IOException {
        Path dir = Files.createDirectories(out.resolve(target));
        byte[] in = new byte[body.length + 1];
        in[0] = (byte) mode;
        System.arraycopy(body, 0, in, 1, body.length);
        Files.write(dir.resolve(name), in);
    }
}
