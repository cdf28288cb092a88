package io.streamvault.vault;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.fs.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real vault written through the vault API, without the pipeline: a small backup (fixed-size
 * chunks) of a directory, and trees crafted by hand, hostile names included.
 */
public final class TestVault implements AutoCloseable {
    public static final char[] PASSWORD = "test password".toCharArray();
    public final CountingStorage storage;
    public final Vault vault;
    private final ChunkHasher hasher;
    private final List<PackInfo> packs = new ArrayList<>();
    private PackBuilder pack;
    private final int chunk;
    private final Set<BlobId> written = new HashSet<>();
    private boolean dedup;

    private TestVault(CountingStorage storage, Vault vault, int chunk) {
        this.storage = storage;
        this.vault = vault;
        this.hasher = vault.newHasher();
        this.pack = vault.newPack();
        this.chunk = chunk;
    }

    public static TestVault create(Path dir, int chunkSize) {
        CountingStorage s = new CountingStorage(Storages.open(dir.toString()));
        Vault v = Vault.init(s, PASSWORD, VaultOptions.defaults().withKdfLogN(10));
        return new TestVault(s, v, chunkSize);
    }

    /** Opens the test vault in {@code dir} again, to add blobs and snapshots to it. */
    public static TestVault open(Path dir, int chunkSize) {
        CountingStorage s = new CountingStorage(Storages.open(dir.toString()));
        return new TestVault(s, Vault.open(s, PASSWORD), chunkSize);
    }

    /** Opens the test vault on {@code storage} (e.g. a {@link ClockedStorage}); closing it closes the storage. */
    public static TestVault open(Storage storage, int chunkSize) {
        CountingStorage s = new CountingStorage(storage);
        return new TestVault(s, Vault.open(s, PASSWORD), chunkSize);
    }

    /**
     * From now on a blob this test vault already wrote (in any pack) is not written again, as the
     * pipeline's dedup does; by default each snapshot writes its blobs into packs of its own.
     */
    public TestVault dedupAcrossPacks() {
        dedup = true;
        return this;
    }

    public BlobId blob(BlobType type, byte[] plain) {
        BlobId id = hasher.id(plain, 0, plain.length);
        if (dedup && !written.add(id)) {
            return id;
        }
        if (!pack.contains(id)) {
            pack.add(vault.encode(type, id, plain, 0, plain.length));
        }
        if (pack.size() > 8 << 20) {
            flush();
        }
        return id;
    }

    public BlobId tree(List<Node> nodes) {
        return blob(BlobType.TREE, vault.encodeTree(new Tree(nodes)));
    }

    /** A tree blob from raw JSON, bypassing the encoder's checks (for hostile trees). */
    public BlobId rawTree(String json) {
        return blob(BlobType.TREE, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON of one file node as the canonical encoder would write it, with any name. */
    public static String fileNodeJson(byte[] name, long mtimeNs, List<BlobId> content, long size) {
        StringBuilder c = new StringBuilder();
        for (BlobId id : content) {
            c.append(c.length() == 0 ? "" : ",").append('"').append(id.hex()).append('"');
        }
        return "{\"name\":\"" + Base64.getEncoder().encodeToString(name) + "\",\"type\":\"file\",\"mode\":420,\"uid\":0,"
                + "\"gid\":0,\"size\":" + size + ",\"mtime\":" + mtimeNs + ",\"atime\":" + mtimeNs + ",\"ctime\":" + mtimeNs
                + ",\"inode\":1,\"dev\":1,\"links\":1,\"rdev\":0,\"content\":[" + c + "]}";
    }

    public static Node dir(byte[] name, BlobId subtree, long mtimeNs) {
        return new Node(name, FileKind.DIR, 0755, 0, 0, 0, mtimeNs, mtimeNs, mtimeNs, 1, 1, 1, 0, null, List.of(),
                List.of(), subtree, null, false);
    }

    public static Node file(byte[] name, List<BlobId> content, long size, long mtimeNs) {
        return new Node(name, FileKind.FILE, 0644, 0, 0, size, mtimeNs, mtimeNs, mtimeNs, 2, 1, 1, 0, null, List.of(),
                content, null, null, false);
    }

    public List<BlobId> content(byte[] data) {
        List<BlobId> ids = new ArrayList<>();
        for (int off = 0; off < data.length; off += chunk) {
            ids.add(blob(BlobType.DATA, Arrays.copyOfRange(data, off, Math.min(data.length, off + chunk))));
        }
        return ids;
    }

    /** Backs up {@code src} (regular files, dirs, symlinks; times, modes, xattrs, hard links) into a snapshot. */
    public String backup(Path src, String host) throws IOException {
        return backup(src, host, List.of("test"));
    }

    /** {@link #backup(Path, String)} with these tags (a plan's snapshots carry {@code plan:NAME}). */
    public String backup(Path src, String host, List<String> tags) throws IOException {
        FileMeta m = Posix.lstat(src);
        BlobId sub = dirTree(src);
        Node rootNode = new Node(RawPaths.fileName(src), FileKind.DIR, m.mode(), m.uid(), m.gid(), 0, m.mtimeNs(),
                m.mtimeNs(), m.ctimeNs(), m.inode(), m.dev(), m.nlink(), 0, null, Posix.xattrs(src), List.of(), sub, null,
                false);
        return snapshot(tree(List.of(rootNode)), RawPaths.bytes(src.toAbsolutePath()), host, tags);
    }

    public String snapshot(BlobId top, byte[] path, String host) {
        return snapshot(top, path, host, List.of("test"));
    }

    public String snapshot(BlobId top, byte[] path, String host, List<String> tags) {
        flush();
        vault.writeIndex(packs);
        packs.clear();
        long now = System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L;
        return vault.writeSnapshot(new Snapshot(1, now, now, top, path, host, "tester", tags, null, "job",
                false, List.of(), 0, Map.of("total_bytes", 0L)));
    }

    private BlobId dirTree(Path dir) throws IOException {
        List<Node> nodes = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                FileMeta m = Posix.lstat(p);
                byte[] name = RawPaths.fileName(p);
                List<Xattr> xattrs = m.kind() == FileKind.SYMLINK ? List.of() : Posix.xattrs(p);
                switch (m.kind()) {
                    case DIR -> nodes.add(new Node(name, FileKind.DIR, m.mode(), m.uid(), m.gid(), 0, m.mtimeNs(),
                            m.mtimeNs(), m.ctimeNs(), m.inode(), m.dev(), m.nlink(), 0, null, xattrs, List.of(),
                            dirTree(p), null, false));
                    case FILE -> nodes.add(new Node(name, FileKind.FILE, m.mode(), m.uid(), m.gid(), m.size(),
                            m.mtimeNs(), m.mtimeNs(), m.ctimeNs(), m.inode(), m.dev(), m.nlink(), 0, null, xattrs,
                            content(Files.readAllBytes(p)), null, null, false));
                    case SYMLINK -> nodes.add(new Node(name, FileKind.SYMLINK, m.mode(), m.uid(), m.gid(), 0,
                            m.mtimeNs(), m.mtimeNs(), m.ctimeNs(), m.inode(), m.dev(), m.nlink(), 0, Posix.readlink(p),
                            List.of(), List.of(), null, null, false));
                    default -> {
                    }
                }
            }
        }
        return tree(nodes);
    }

    /**
     * Seals the pack being filled, so that later blobs go to a new one (e.g. a snapshot's file data in
     * one pack and its trees in another, as the pipeline stores them). The next snapshot indexes it.
     */
    public void flush() {
        if (pack.count() > 0) {
            packs.add(vault.writePack(pack));
            pack = vault.newPack();
        }
    }

    @Override
    public void close() {
        vault.close();
        storage.close();
    }

    /** A storage that counts ranged reads of pack objects (to show which chunks a request read). */
    public static final class CountingStorage extends ForwardingStorage {
        public final AtomicLong packReads = new AtomicLong();

        CountingStorage(Storage s) {
            super(s);
        }

        @Override
        public byte[] get(String name, long offset, int length) {
            if (name.startsWith("data/")) {
                packReads.incrementAndGet();
            }
            return super.get(name, offset, length);
        }
    }
}
