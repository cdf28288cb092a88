package io.streamvault.bench;

import io.streamvault.common.fs.FileKind;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.Node;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a vault of many small files straight through the vault API (no pipeline), for measuring
 * what maintenance costs at scale: SNAPSHOTS snapshots of FILES files in directories of 1,000, each
 * file one small chunk of its own; every snapshot after the first changes a tenth of the files (new
 * chunks), so forgetting the older half leaves that much unused. Packs of about 16 MiB, one index
 * object per 50 packs, as the uploader would leave them.
 *
 * <p>Usage: {@code SyntheticVault VAULT_DIR PASSWORD FILES SNAPSHOTS}
 */
public final class SyntheticVault {
    private static final int PER_DIR = 1000;
    private static final int CHUNK = 64;
    private final Vault vault;
    private final ChunkHasher hasher;
    private final List<PackInfo> written = new ArrayList<>();
    private PackBuilder pack;

    private SyntheticVault(Vault vault) {
        this.vault = vault;
        this.hasher = vault.newHasher();
        this.pack = vault.newPack();
    }

    public static void main(String[] args) {
        String dir = args[0];
        char[] password = args[1].toCharArray();
        int files = Integer.parseInt(args[2]);
        int snapshots = Integer.parseInt(args[3]);
        long start = System.nanoTime();
        try (Vault vault = Vault.init(Storages.open(dir), password, VaultOptions.defaults())) {
            new SyntheticVault(vault).write(files, snapshots);
        }
        System.out.printf("wrote %d files x %d snapshots in %.1f s%n", files, snapshots, (System.nanoTime() - start) / 1e9);
    }

    private void write(int files, int snapshots) {
        long[] version = new long[files];
        int dirCount = (files + PER_DIR - 1) / PER_DIR;
        BlobId[] trees = new BlobId[dirCount];
        Random rnd = new Random(1);
        for (int s = 0; s < snapshots; s++) {
            boolean[] changed = new boolean[dirCount];
            if (s > 0) {
                for (int i = 0; i < files / 10; i++) {
                    int f = rnd.nextInt(files);
                    version[f] = s;
                    changed[f / PER_DIR] = true;
                }
            }
            List<Node> dirs = new ArrayList<>();
            for (int d = 0; d < dirCount; d++) {
                if (s == 0 || changed[d]) {
                    List<Node> nodes = new ArrayList<>();
                    for (int f = d * PER_DIR; f < Math.min(files, (d + 1) * PER_DIR); f++) {
                        byte[] data = content(f, version[f]);
                        BlobId chunk = version[f] == s ? blob(BlobType.DATA, data) : hasher.id(data, 0, data.length);
                        byte[] name = String.format("file-%08d", f).getBytes(StandardCharsets.UTF_8);
                        nodes.add(new Node(name, FileKind.FILE, 0644, 0, 0, CHUNK, 1_000L + version[f],
                                1_000L + version[f], 1_000L + version[f], f, 1, 1, 0, null, List.of(), List.of(chunk), null,
                                null, false));
                    }
                    trees[d] = blob(BlobType.TREE, vault.encodeTree(new Tree(nodes, List.of())));
                }
                byte[] name = String.format("dir-%05d", d).getBytes(StandardCharsets.UTF_8);
                dirs.add(new Node(name, FileKind.DIR, 0755, 0, 0, 0, 1_000L, 1_000L, 1_000L, d, 1, 1, 0, null, List.of(),
                        List.of(), trees[d], null, false));
            }
            BlobId root = blob(BlobType.TREE, vault.encodeTree(new Tree(dirs, List.of())));
            BlobId top = blob(BlobType.TREE, vault.encodeTree(new Tree(List.of(new Node("data".getBytes(
                    StandardCharsets.UTF_8), FileKind.DIR, 0755, 0, 0, 0, 1_000L, 1_000L, 1_000L, 1, 1, 1, 0, null,
                    List.of(), List.of(), root, null, false)), List.of())));
            flush(true);
            long t = (1_700_000_000L + s * 86_400L) * 1_000_000_000L;
            vault.writeSnapshot(new Snapshot(1, t, t, top, "/data".getBytes(StandardCharsets.UTF_8), "bench", "bench",
                    List.of(), null, "synthetic-" + s, false, List.of(), 0, Map.of("total_bytes", (long) files * CHUNK)));
            System.out.printf("snapshot %d of %d written%n", s + 1, snapshots);
        }
    }

    private static byte[] content(int file, long version) {
        byte[] b = new byte[CHUNK];
        new Random(file * 1_000_003L + version).nextBytes(b);
        return b;
    }

    private BlobId blob(BlobType type, byte[] plain) {
        BlobId id = hasher.id(plain, 0, plain.length);
        pack.add(type, id, plain, 0, plain.length);
        if (pack.size() >= 16 << 20) {
            flush(false);
        }
        return id;
    }

    private void flush(boolean index) {
        if (pack.count() > 0) {
            written.add(vault.writePack(pack));
            pack = vault.newPack();
        }
        // index objects of at most about 500,000 entries, as garbage collection writes them
        int entries = written.stream().mapToInt(p -> p.entries().size()).sum();
        if (written.size() >= 50 || entries >= 500_000 || index && !written.isEmpty()) {
            vault.writeIndex(written);
            written.clear();
        }
    }
}
