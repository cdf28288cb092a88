package io.streamvault.scanner.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TopicSpec;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.BatchedFile;
import io.streamvault.schemas.records.BatchedManifest;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Trees;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the scanner sends for one directory against its tree in the parent snapshot, on real
 * directories and a real vault in a temp dir (no broker: the handler's output is collected). The
 * parent's records are taken from the entries' lstat, as a backup of them would have stored them,
 * then altered one field at a time.
 */
class ScanHandlerTest {
    private static final String JOB = "job-1";
    @TempDir
    Path tmp;
    private Vault vault;
    private Topics topics;
    private Path root;
    /** What was sent, a batch record taken apart into one record per entry (see {@link #records}). */
    private final List<Object> sent = new ArrayList<>();
    /** The records as sent. */
    private final List<Object> records = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Emitter out = new Emitter() {
        @Override
        public int partitions(TopicSpec<?, ?> topic) {
            return 4;
        }

        @Override
        public <K, V> void send(TopicSpec<K, V> topic, K key, V value) {
            records.add(value);
            if (value instanceof FileManifest f) {
                sent.add(FileManifest.newBuilder(f).setMore(List.of()).build());
                for (BatchedManifest m : f.getMore()) {
                    sent.add(FileManifest.newBuilder(f).setNode(m.getNode()).setOrigin(m.getOrigin())
                            .setChunksPending(m.getChunksPending()).setBytesRead(m.getBytesRead()).setMore(List.of())
                            .build());
                }
            } else if (value instanceof FileEvent e) {
                sent.add(FileEvent.newBuilder(e).setMore(List.of()).build());
                for (BatchedFile b : e.getMore()) {
                    sent.add(FileEvent.newBuilder(e).setNode(b.getNode()).setOrigin(b.getOrigin())
                            .setLength(b.getNode().getSize()).setMore(List.of()).build());
                }
            } else {
                sent.add(value);
            }
        }

        @Override
        public void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
            throw new AssertionError("dead letter: " + reason);
        }
    };

    @BeforeEach
    void open() throws IOException {
        vault = Vault.init(Storages.open(tmp.resolve("vault").toString()), "pw".toCharArray(),
                VaultOptions.defaults().withKdfLogN(10));
        topics = new Topics("sv", vault.id(), 4, (short) 1, SchemaRegistries.inMemory());
        root = tmp.resolve("src");
        Path d = Files.createDirectories(root.resolve("d"));
        Files.write(d.resolve("a"), new byte[100]);
        Files.write(d.resolve("b"), new byte[2000]);
        Files.createFile(d.resolve("empty"));
        Files.createSymbolicLink(d.resolve("link"), Path.of("a"));
    }

    @AfterEach
    void close() {
        vault.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The chunk ids the parent recorded for a file: any ids will do, the scanner only passes them on. */
    private BlobId chunk(byte[] name) {
        return vault.newHasher().id(name, 0, name.length);
    }

    /** The parent snapshot's record of {@code p} as it is now. */
    private Node record(Path p) throws IOException {
        FileMeta m = Posix.lstat(p);
        byte[] name = RawPaths.fileName(p);
        boolean file = m.kind() == FileKind.FILE;
        return new Node(name, m.kind(), m.mode(), m.uid(), m.gid(),
                file || m.kind() == FileKind.SYMLINK ? m.size() : 0, m.mtimeNs(), m.atimeNs(), m.ctimeNs(), m.inode(),
                m.dev(), m.nlink(), m.rdev(), m.kind() == FileKind.SYMLINK ? Posix.readlink(p) : null, List.of(),
                file && m.size() > 0 ? List.of(chunk(name)) : List.of(),
                m.kind() == FileKind.DIR ? write(new Tree(List.of())) : null, null, false);
    }

    /** {@code r} with the compared fields given (and the rest kept). */
    private static Node with(Node r, FileKind type, int mode, long size, long mtimeNs, long ctimeNs, long inode,
            long dev) {
        return new Node(r.name(), type, mode, r.uid(), r.gid(), size, mtimeNs, r.atimeNs(), ctimeNs, inode, dev,
                r.nlink(), r.rdev(), type == FileKind.SYMLINK ? b("elsewhere") : r.linkTarget(), r.xattrs(),
                type == FileKind.FILE ? r.content() : List.of(), r.subtree(), r.error(), r.changedDuringBackup());
    }

    /** The records of {@code rel}'s entries as they are now, each passed through {@code edit} (null drops it). */
    private List<Node> records(String rel, UnaryOperator<Node> edit) throws IOException {
        List<Node> nodes = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root.resolve(rel))) {
            for (Path p : s) {
                Node n = edit.apply(record(p));
                if (n != null) {
                    nodes.add(n);
                }
            }
        }
        nodes.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
        return nodes;
    }

    /** Writes a tree into the vault (a pack and its index object), as the catalog does; returns its id. */
    private BlobId write(Tree tree) {
        byte[] plain = vault.encodeTree(tree);
        BlobId id = vault.newHasher().id(plain, 0, plain.length);
        PackBuilder pack = vault.newPack();
        pack.add(BlobType.TREE, id, plain, 0, plain.length);
        vault.writeIndex(List.of(vault.writePack(pack)));
        return id;
    }

    private BlobId parent(String rel, UnaryOperator<Node> edit) throws IOException {
        return write(new Tree(records(rel, edit)));
    }

    /** Edits only the record named {@code name}. */
    private static UnaryOperator<Node> only(String name, UnaryOperator<Node> edit) {
        return n -> Arrays.equals(n.name(), b(name)) ? edit.apply(n) : n;
    }

    private void scan(String rel, BlobId parentTree, boolean forceRead) {
        scan(rel, parentTree, forceRead, List.of());
    }

    private void scan(String rel, BlobId parentTree, boolean forceRead, List<String> excludes) {
        DirTask task = DirTask.newBuilder()
                .setJob(JOB)
                .setRoot(ByteBuffer.wrap(RawPaths.bytes(root)))
                .setRel(ByteBuffer.wrap(b(rel)))
                .setParentTree(parentTree == null ? null : ByteBuffer.wrap(parentTree.bytes()))
                .setForceRead(forceRead)
                .setExcludes(excludes)
                .build();
        new ScanHandler(topics, new TreeIndex(vault), "test", 64 << 20, new ScanMeters(meters))
                .handle(new ConsumerRecord<>(topics.dirTasks.name(), 0, 0L, new byte[0], new byte[0]), task, out);
    }

    private DirScanned scanned(String rel) {
        List<DirScanned> found = new ArrayList<>();
        for (Object o : sent) {
            if (o instanceof DirScanned d && Arrays.equals(Buffers.of(d.getRel()), b(rel))) {
                found.add(d);
            }
        }
        assertEquals(1, found.size(), "one record for directory " + rel);
        return found.get(0);
    }

    /** The manifests sent for entries of {@code rel}, by name. */
    private Map<String, FileManifest> manifests(String rel) {
        Map<String, FileManifest> m = new TreeMap<>();
        for (Object o : sent) {
            if (o instanceof FileManifest f && Arrays.equals(Buffers.of(f.getDir()), b(rel))) {
                m.put(new String(Buffers.of(f.getNode().getName()), StandardCharsets.UTF_8), f);
            }
        }
        return m;
    }

    /** The file events sent for entries of {@code rel}, by name (each of these files fits in one segment). */
    private Map<String, FileEvent> events(String rel) {
        Map<String, FileEvent> m = new TreeMap<>();
        for (Object o : sent) {
            if (o instanceof FileEvent f && Arrays.equals(Buffers.of(f.getDir()), b(rel))) {
                m.put(new String(Buffers.of(f.getNode().getName()), StandardCharsets.UTF_8), f);
            }
        }
        return m;
    }

    private static Map<String, FileOrigin> origins(Map<String, ?> records) {
        Map<String, FileOrigin> m = new TreeMap<>();
        records.forEach((name, r) -> m.put(name, r instanceof FileManifest f ? f.getOrigin() : ((FileEvent) r).getOrigin()));
        return m;
    }

    private List<BlobId> content(FileManifest f) {
        List<BlobId> ids = new ArrayList<>();
        for (ByteBuffer b : f.getNode().getContent()) {
            ids.add(BlobId.of(Buffers.of(b)));
        }
        return ids;
    }

    /** Every entry is unchanged but sent one by one, each manifest the parent's record with its chunk ids. */
    private void assertSentOneByOneUnchanged(String rel) {
        Map<String, FileManifest> m = manifests(rel);
        assertEquals(Map.of("a", FileOrigin.UNMODIFIED, "b", FileOrigin.UNMODIFIED, "empty", FileOrigin.UNMODIFIED,
                "link", FileOrigin.UNMODIFIED), origins(m));
        assertEquals(List.of(chunk(b("a"))), content(m.get("a")), "the parent's chunk ids, nothing read");
        assertEquals(List.of(chunk(b("b"))), content(m.get("b")));
        assertArrayEquals(b("a"), Buffers.of(m.get("link").getNode().getLinkTarget()));
        assertTrue(events(rel).isEmpty(), "no file is read");
        assertNull(scanned(rel).getReusedTree());
        assertEquals(4, scanned(rel).getEntries());
    }

    @Test
    void aDirectoryWhoseEntriesAreAllUnchangedNamesItsParentTree() throws IOException {
        BlobId tree = parent("d", UnaryOperator.identity());
        scan("d", tree, false);
        DirScanned d = scanned("d");
        assertArrayEquals(tree.bytes(), Buffers.of(d.getReusedTree()));
        assertEquals(3, d.getReusedFiles(), "a, b and empty (the symlink is no file)");
        assertEquals(2100, d.getReusedBytes());
        assertEquals(0, d.getEntries(), "all four stand in the parent's tree");
        assertEquals(0, d.getBytesToRead());
        assertEquals(List.of(d), sent, "nothing else is sent");
    }

    static Stream<Arguments> fieldEdits() {
        return Stream.of(
                arguments("size", (UnaryOperator<Node>) r -> with(r, r.type(), r.mode(), r.size() + 1, r.mtimeNs(),
                        r.ctimeNs(), r.inode(), r.dev())),
                arguments("mtime", (UnaryOperator<Node>) r -> with(r, r.type(), r.mode(), r.size(), r.mtimeNs() - 1,
                        r.ctimeNs(), r.inode(), r.dev())),
                arguments("ctime", (UnaryOperator<Node>) r -> with(r, r.type(), r.mode(), r.size(), r.mtimeNs(),
                        r.ctimeNs() - 1, r.inode(), r.dev())),
                arguments("inode", (UnaryOperator<Node>) r -> with(r, r.type(), r.mode(), r.size(), r.mtimeNs(),
                        r.ctimeNs(), r.inode() + 1, r.dev())),
                arguments("mode", (UnaryOperator<Node>) r -> with(r, r.type(), r.mode() ^ 0020, r.size(), r.mtimeNs(),
                        r.ctimeNs(), r.inode(), r.dev())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldEdits")
    void aFileWhoseRecordDiffersInOneFieldIsReadAgainAndTheDirectoryIsNotReused(String field, UnaryOperator<Node> edit)
            throws IOException {
        scan("d", parent("d", only("b", edit)), false);
        assertEquals(Map.of("b", FileOrigin.CHANGED), origins(events("d")), field + " differs: b is read again");
        assertEquals(Map.of("a", FileOrigin.UNMODIFIED, "empty", FileOrigin.UNMODIFIED, "link", FileOrigin.UNMODIFIED),
                origins(manifests("d")), "the others are released one by one, unread");
        assertEquals(List.of(chunk(b("a"))), content(manifests("d").get("a")));
        DirScanned d = scanned("d");
        assertNull(d.getReusedTree());
        assertEquals(4, d.getEntries());
        assertEquals(2000, d.getBytesToRead());
    }

    @Test
    void anEntryWhoseTypeChangedIsNew() throws IOException {
        // The parent knew "b" as a symlink and "link" as a file.
        scan("d", parent("d", n -> switch (new String(n.name(), StandardCharsets.UTF_8)) {
            case "b" -> with(n, FileKind.SYMLINK, 0777, 9, n.mtimeNs(), n.ctimeNs(), n.inode(), n.dev());
            case "link" -> with(n, FileKind.FILE, n.mode(), n.size(), n.mtimeNs(), n.ctimeNs(), n.inode(), n.dev());
            default -> n;
        }), false);
        assertEquals(Map.of("b", FileOrigin.NEW), origins(events("d")));
        assertEquals(Map.of("a", FileOrigin.UNMODIFIED, "empty", FileOrigin.UNMODIFIED, "link", FileOrigin.NEW),
                origins(manifests("d")));
        assertArrayEquals(b("a"), Buffers.of(manifests("d").get("link").getNode().getLinkTarget()), "read from the link");
        assertNull(scanned("d").getReusedTree());
    }

    @Test
    void withoutAParentTreeEverythingIsNew() {
        scan("d", null, false);
        assertEquals(Map.of("a", FileOrigin.NEW, "b", FileOrigin.NEW), origins(events("d")));
        assertEquals(Map.of("empty", FileOrigin.NEW, "link", FileOrigin.NEW), origins(manifests("d")));
        assertNull(scanned("d").getReusedTree());
        assertEquals(2100, scanned("d").getBytesToRead());
        assertEquals(1, meters.get("streamvault.scanner.directories").counter().count(), "one directory listed");
        assertEquals(3, meters.get("streamvault.scanner.files").counter().count(), "a, b and empty are files");
    }

    @Test
    void aParentTreeNoIndexKnowsMeansReadingEverythingAgain() {
        scan("d", chunk(b("no such tree")), false);
        assertEquals(Map.of("a", FileOrigin.NEW, "b", FileOrigin.NEW), origins(events("d")));
        assertEquals(Map.of("empty", FileOrigin.NEW, "link", FileOrigin.NEW), origins(manifests("d")));
        assertNull(scanned("d").getReusedTree());
    }

    @Test
    void anEntryMissingFromTheParentIsNewAndStopsTheReuse() throws IOException {
        scan("d", parent("d", n -> Arrays.equals(n.name(), b("b")) ? null : n), false);
        assertEquals(Map.of("b", FileOrigin.NEW), origins(events("d")));
        assertEquals(Map.of("a", FileOrigin.UNMODIFIED, "empty", FileOrigin.UNMODIFIED, "link", FileOrigin.UNMODIFIED),
                origins(manifests("d")));
        assertNull(scanned("d").getReusedTree());
    }

    @Test
    void anEntryRemovedSinceTheParentStopsTheReuse() throws IOException {
        List<Node> nodes = new ArrayList<>(records("d", UnaryOperator.identity()));
        Node a = nodes.get(0);
        nodes.add(1, new Node(b("a-removed"), FileKind.FILE, 0644, a.uid(), a.gid(), 5, 1, 1, 1, 7, a.dev(), 1, 0, null,
                List.of(), List.of(chunk(b("a-removed"))), null, null, false));
        scan("d", write(new Tree(nodes)), false);
        assertSentOneByOneUnchanged("d");
    }

    @Test
    void forceReadReadsEveryEntryAgain() throws IOException {
        scan("d", parent("d", UnaryOperator.identity()), true);
        assertEquals(Map.of("a", FileOrigin.CHANGED, "b", FileOrigin.CHANGED), origins(events("d")));
        assertEquals(Map.of("empty", FileOrigin.CHANGED, "link", FileOrigin.CHANGED), origins(manifests("d")));
        assertNull(scanned("d").getReusedTree());
        assertEquals(2100, scanned("d").getBytesToRead());
        assertEquals(1, meters.get("streamvault.scanner.directories").counter().count(), "one directory listed");
        assertEquals(3, meters.get("streamvault.scanner.files").counter().count(), "a, b and empty are files");
    }

    @Test
    void anEntryOnAnotherDeviceIsUnchangedButTheDirectoryIsNotReused() throws IOException {
        scan("d", parent("d", only("b", n -> with(n, n.type(), n.mode(), n.size(), n.mtimeNs(), n.ctimeNs(), n.inode(),
                n.dev() + 1))), false);
        assertSentOneByOneUnchanged("d");
    }

    @Test
    void aSplitParentTreeIsNotReused() throws IOException {
        BlobId part = write(new Tree(records("d", UnaryOperator.identity())));
        scan("d", write(new Tree(List.of(), List.of(part))), false);
        assertSentOneByOneUnchanged("d");
    }

    @Test
    void aNewSubdirectoryKeepsTheReuse() throws IOException {
        BlobId tree = parent("d", UnaryOperator.identity());
        Files.createDirectory(root.resolve("d/sub"));
        scan("d", tree, false);
        DirScanned d = scanned("d");
        assertArrayEquals(tree.bytes(), Buffers.of(d.getReusedTree()), "subdirectories are not in the reused entries");
        assertEquals(1, d.getEntries(), "the subdirectory, sent on its own");
        assertEquals(1, d.getSubdirs());
        assertTrue(manifests("d").isEmpty());
        assertTrue(events("d").isEmpty());
    }

    @Test
    void aDirectoryOfMoreThanSplitAboveEntriesIsNotReused() throws IOException {
        Path wide = Files.createDirectories(root.resolve("wide"));
        for (int i = 0; i < Trees.SPLIT_ABOVE; i++) {
            Files.createFile(wide.resolve(String.format("f%05d", i)));
        }
        BlobId tree = parent("wide", UnaryOperator.identity());
        scan("wide", tree, false);
        assertArrayEquals(tree.bytes(), Buffers.of(scanned("wide").getReusedTree()), "SPLIT_ABOVE entries: reused");

        // One subdirectory more: every file is still unchanged, but the catalog would split the tree.
        sent.clear();
        Files.createDirectory(wide.resolve("sub"));
        scan("wide", tree, false);
        DirScanned d = scanned("wide");
        assertNull(d.getReusedTree());
        assertEquals(Trees.SPLIT_ABOVE + 1, d.getEntries());
        Map<String, FileManifest> m = manifests("wide");
        assertEquals(Trees.SPLIT_ABOVE, m.size());
        assertTrue(m.values().stream().allMatch(f -> f.getOrigin() == FileOrigin.UNMODIFIED));
    }

    /** Every entry the scanner sent for the job (directories, manifests, file events), as root-relative paths. */
    private Set<String> sentPaths() {
        Set<String> paths = new TreeSet<>();
        for (Object o : sent) {
            if (o instanceof DirScanned d && d.getRel().remaining() > 0) {
                paths.add(latin1(Buffers.of(d.getRel())));
            } else if (o instanceof FileManifest f && f.getPart() == 0) {
                paths.add(latin1(RawPaths.join(Buffers.of(f.getDir()), Buffers.of(f.getNode().getName()))));
            } else if (o instanceof FileEvent f && f.getPart() == 0) {
                paths.add(latin1(RawPaths.join(Buffers.of(f.getDir()), Buffers.of(f.getNode().getName()))));
            }
        }
        return paths;
    }

    /** One char per byte: any name, UTF-8 or not, as a distinct string. */
    private static String latin1(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private void file(String rel) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, b(rel));
    }

    @Test
    void excludedEntriesAreNeitherSentNorCountedAndTheCountsStayExact() throws IOException {
        file("keep.txt");
        file("x.tmp");
        file("cache/inner");
        file("cache/deeper/f");
        file("d/cache");
        file("d/sub/y.tmp");
        file("d/sub/z");
        file("top/skip/f");
        file("top/keep");
        file("other/top/skip/f");
        byte[] badTmp = {(byte) 0xff, '.', 't', 'm', 'p'};
        byte[] badKeep = {(byte) 0xff, 'k', 'e', 'e', 'p'};
        Files.write(RawPaths.resolve(root, badTmp), new byte[10]);
        Files.write(RawPaths.resolve(root, badKeep), new byte[10]);

        scan("", null, false, List.of("*.tmp", "cache", "/top/skip"));

        assertEquals(new TreeSet<>(List.of("d", "d/a", "d/b", "d/empty", "d/link", "d/sub", "d/sub/z", "keep.txt",
                "other", "other/top", "other/top/skip", "other/top/skip/f", "top", "top/keep", latin1(badKeep))),
                sentPaths(), "nothing excluded is sent, and nothing under an excluded directory (at any depth)");
        // The catalog's counts (docs/pipeline.md, "When is a job complete?") come out equal: the job seals.
        long dirsExpected = 1;
        long entriesExpected = 0;
        long dirs = 0;
        for (Object o : sent) {
            if (o instanceof DirScanned d) {
                dirsExpected += d.getSubdirs();
                entriesExpected += d.getEntries();
                dirs++;
            }
        }
        assertEquals(dirsExpected, dirs, "every announced subdirectory is scanned, no excluded one");
        assertEquals(entriesExpected, sentPaths().size(), "every announced entry is sent, no excluded one");
        assertEquals(5, scanned("").getEntries(), "d, keep.txt, other, top and the kept raw name");
        assertEquals(3, scanned("").getSubdirs());
        assertEquals(1, scanned("top").getEntries(), "top/skip is left out; other/top/skip is not anchored there");
    }

    @Test
    void anEntryTheParentHoldsButIsNowExcludedStopsTheReuse() throws IOException {
        file("d/old.tmp");
        scan("d", parent("d", UnaryOperator.identity()), false, List.of("*.tmp"));
        assertSentOneByOneUnchanged("d"); // the parent's listing holds old.tmp: it cannot stand for this one
    }

    @Test
    void anEntryExcludedThenAndNowKeepsTheReuse() throws IOException {
        file("d/old.tmp");
        BlobId tree = parent("d", n -> Arrays.equals(n.name(), b("old.tmp")) ? null : n);
        scan("d", tree, false, List.of("*.tmp"));
        DirScanned d = scanned("d");
        assertArrayEquals(tree.bytes(), Buffers.of(d.getReusedTree()));
        assertEquals(0, d.getEntries());
        assertEquals(List.of(d), sent);
    }

    @Test
    void aMalformedGlobInATaskFailsItsDirectoryNotTheWorker() {
        // The command refuses it before the job starts; a task that carries one anyway ends the job
        // incomplete, naming the glob, and backs up nothing it might have been meant to leave out.
        scan("", null, false, List.of("a[b"));
        DirScanned r = scanned("");
        assertTrue(r.getNode().getError().contains("a[b"), r.getNode().getError());
        assertEquals(0, r.getEntries());
        assertEquals(List.of(r), sent);
    }

    // Narrowed walks: a task with changed directories (docs/continuous.md, Narrowed walks).

    /** {@code r} with its subtree given. */
    private static Node withSubtree(Node r, BlobId subtree) {
        return new Node(r.name(), r.type(), r.mode(), r.uid(), r.gid(), r.size(), r.mtimeNs(), r.atimeNs(), r.ctimeNs(),
                r.inode(), r.dev(), r.nlink(), r.rdev(), r.linkTarget(), r.xattrs(), r.content(), subtree, r.error(),
                r.changedDuringBackup());
    }

    /**
     * The parent snapshot of the whole source tree as it is now, as the catalog would have sealed it
     * (each directory's tree names its subdirectories' trees), every node passed through
     * {@code edit} with its path; returns the top tree, which the root task names.
     */
    private BlobId snapshot(BiFunction<String, Node, Node> edit) throws IOException {
        return write(new Tree(List.of(withSubtree(record(root), contents("", edit)))));
    }

    private BlobId contents(String rel, BiFunction<String, Node, Node> edit) throws IOException {
        List<Node> nodes = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(rel.isEmpty() ? root : root.resolve(rel))) {
            for (Path p : s) {
                String childRel = rel.isEmpty() ? p.getFileName().toString() : rel + "/" + p.getFileName();
                Node n = record(p);
                nodes.add(edit.apply(childRel, n.type() == FileKind.DIR ? withSubtree(n, contents(childRel, edit)) : n));
            }
        }
        nodes.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
        return write(new Tree(nodes));
    }

    private BlobId snapshot() throws IOException {
        return snapshot((rel, n) -> n);
    }

    /**
     * The whole job from its root task, as the scanner group runs it: every task a handler sends out
     * (past its inline budget) is handled too. {@code changed} null: a full walk.
     */
    private void walk(BlobId top, List<String> changed, boolean forceRead, List<String> excludes) {
        DirTask task = DirTask.newBuilder()
                .setJob(JOB)
                .setRoot(ByteBuffer.wrap(RawPaths.bytes(root)))
                .setRel(ByteBuffer.allocate(0))
                .setParentTree(ByteBuffer.wrap(top.bytes()))
                .setForceRead(forceRead)
                .setExcludes(excludes)
                .setChangedDirs(changed == null ? null : changed.stream().map(c -> ByteBuffer.wrap(b(c))).toList())
                .build();
        ScanHandler h = new ScanHandler(topics, new TreeIndex(vault), "test", 64 << 20, new ScanMeters(meters));
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>(topics.dirTasks.name(), 0, 0L, new byte[0], new byte[0]);
        h.handle(raw, task, out);
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i) instanceof DirTask t) {
                h.handle(raw, t, out);
            }
        }
    }

    private void walk(BlobId top, List<String> changed) {
        walk(top, changed, false, List.of());
    }

    /** The tree the narrowed walks start from, besides the fixture's {@code d}. */
    private void tree() throws IOException {
        file("top.txt");
        file("a/g");
        file("a/b/f");
        file("c/h");
        file("c/sub/i");
    }

    /**
     * What was sent for directory {@code rel}: its record, its entries' manifests and file events.
     * The directory's atime is left out: it is whatever the last listing of the directory left, and
     * the file system (relatime, strictatime, noatime) decides that, not the scanner.
     */
    private List<Object> sentFor(String rel) {
        List<Object> found = new ArrayList<>();
        for (Object o : sent) {
            if (o instanceof DirScanned d && Arrays.equals(Buffers.of(d.getRel()), b(rel))) {
                DirScanned copy = DirScanned.newBuilder(d).build();
                copy.getNode().setAtimeNs(0);
                found.add(copy);
            } else if (o instanceof FileManifest f && Arrays.equals(Buffers.of(f.getDir()), b(rel))) {
                found.add(f);
            } else if (o instanceof FileEvent f && Arrays.equals(Buffers.of(f.getDir()), b(rel))) {
                found.add(f);
            }
        }
        return found;
    }

    /**
     * The catalog's counts (docs/pipeline.md, "When is a job complete?") come out equal, so the job
     * seals: every announced subdirectory is scanned once, every announced entry is sent once.
     */
    private void assertCountsAgree() {
        long dirsExpected = 1;
        long entriesExpected = 0;
        long dirs = 0;
        for (Object o : sent) {
            if (o instanceof DirScanned d) {
                dirsExpected += d.getSubdirs();
                entriesExpected += d.getEntries();
                dirs++;
            }
        }
        assertEquals(dirsExpected, dirs, "every announced subdirectory is scanned");
        assertEquals(entriesExpected, sentPaths().size(), "every announced entry is sent");
    }

    @Test
    void aNarrowedWalkTakesADirectoryNeitherChangedNorAboveAChangeFromTheParent() throws IOException {
        tree();
        BlobId top = snapshot();
        walk(top, null); // a first listing sets the directories' atimes as every later one will find them
        sent.clear();
        walk(top, null);
        Map<String, List<Object>> unchanged = new TreeMap<>();
        for (String dir : List.of("c", "c/sub", "d")) {
            unchanged.put(dir, sentFor(dir));
            assertNotNull(scanned(dir).getReusedTree(), dir + ": nothing changed, the parent's tree stands for it");
        }

        // Changed on disk, but the change feed (the list) names only a/b: c is not listed.
        Files.write(root.resolve("c/h"), b("changed, and not named"));
        Files.write(root.resolve("c/sub/i"), b("changed too, not named either"));
        file("a/b/new");
        sent.clear();
        walk(top, List.of("a/b"));

        for (String dir : List.of("c", "c/sub", "d")) {
            assertEquals(unchanged.get(dir), sentFor(dir), dir + ": exactly what a walk sends when nothing in it changed");
        }
        assertTrue(events("c").isEmpty() && manifests("c").isEmpty(), "c was not listed: its change is not seen");
        assertEquals(Map.of("new", FileOrigin.NEW), origins(events("a/b")), "the named directory is listed");
        assertEquals(Map.of("f", FileOrigin.UNMODIFIED), origins(manifests("a/b")));
        assertEquals(1, scanned("c").getSubdirs());
        assertEquals(1, scanned("c").getFiles());
        assertEquals(b("c/h").length, scanned("c").getBytes(), "the parent's size of c/h");
        assertEquals(0, scanned("c").getBytesToRead());
        assertCountsAgree();
    }

    @Test
    void theAncestorsOfAChangedDirectoryAreListed() throws IOException {
        tree();
        BlobId top = snapshot();
        file("a/new-sibling");
        file("new-at-the-top");
        walk(top, List.of("a/b"));
        assertEquals(Map.of("new-sibling", FileOrigin.NEW), origins(events("a")), "a is above a/b: listed");
        assertEquals(Map.of("new-at-the-top", FileOrigin.NEW), origins(events("")), "so is the root");
        assertNull(scanned("a").getReusedTree());
        assertNotNull(scanned("c").getReusedTree());
        assertCountsAgree();
    }

    @Test
    void withoutAChangedListEverythingIsListed() throws IOException {
        tree();
        BlobId top = snapshot();
        Files.write(root.resolve("c/h"), b("changed, and not named"));
        walk(top, null);
        assertEquals(Map.of("h", FileOrigin.CHANGED), origins(events("c")));
        assertCountsAgree();
    }

    @Test
    void anEmptyChangedListTakesEvenTheRootFromTheParent() throws IOException {
        tree();
        BlobId top = snapshot();
        file("new-at-the-top");
        walk(top, List.of());
        assertTrue(events("").isEmpty(), "nothing changed, per the list: the root is not listed");
        assertNotNull(scanned("").getReusedTree());
        assertEquals(3, scanned("").getEntries(), "a, c and d: the subdirectories, sent on their own");
        assertCountsAgree();
    }

    @Test
    void forceReadIgnoresTheChangedList() throws IOException {
        tree();
        BlobId top = snapshot();
        walk(top, List.of("a/b"), true, List.of());
        assertEquals(Map.of("h", FileOrigin.CHANGED), origins(events("c")), "c is listed and read");
        assertEquals(Map.of("a", FileOrigin.CHANGED, "b", FileOrigin.CHANGED), origins(events("d")));
        assertNull(scanned("c").getReusedTree());
        assertCountsAgree();
    }

    @Test
    void aDirectoryWithoutAParentTreeIsListed() throws IOException {
        tree();
        BlobId top = snapshot();
        file("n/x");
        walk(top, List.of("a/b"));
        assertEquals(Map.of("x", FileOrigin.NEW), origins(events("n")), "n is new since the parent snapshot");
        assertCountsAgree();
    }

    @Test
    void aSplitParentTreeIsListed() throws IOException {
        tree();
        BlobId top = snapshot((rel, n) -> rel.equals("c") ? withSubtree(n, write(new Tree(List.of(),
                List.of(n.subtree())))) : n);
        Files.write(root.resolve("c/h"), b("changed, and not named"));
        walk(top, List.of("a/b"));
        assertEquals(Map.of("h", FileOrigin.CHANGED), origins(events("c")), "the catalog could not reuse it unlisted");
        assertCountsAgree();
    }

    @Test
    void aParentTreeHoldingAnEntryNowExcludedIsListed() throws IOException {
        tree();
        file("c/skip.tmp");
        BlobId top = snapshot();
        walk(top, List.of("a/b"), false, List.of("*.tmp"));
        DirScanned c = scanned("c");
        assertNull(c.getReusedTree(), "the parent's listing of c holds skip.tmp: it cannot stand for c");
        assertEquals(Map.of("h", FileOrigin.UNMODIFIED), origins(manifests("c")), "listed, and skip.tmp left out");
        assertEquals(2, c.getEntries(), "h and sub");
        assertFalse(sentPaths().contains("c/skip.tmp"));
        assertCountsAgree();
    }

    @Test
    void aDirectoryTheParentCouldNotListIsListedAgain() throws IOException {
        tree();
        BlobId top = snapshot((rel, n) -> rel.equals("c") ? new Node(n.name(), n.type(), n.mode(), n.uid(), n.gid(),
                n.size(), n.mtimeNs(), n.atimeNs(), n.ctimeNs(), n.inode(), n.dev(), n.nlink(), n.rdev(), null,
                n.xattrs(), List.of(), n.subtree(), "Permission denied", false) : n);
        Files.write(root.resolve("c/h"), b("changed, and not named"));
        Files.write(root.resolve("c/sub/i"), b("changed, and not named"));
        walk(top, List.of("a/b"));
        assertEquals(Map.of("h", FileOrigin.CHANGED), origins(events("c")), "c is listed, as a full walk would");
        assertTrue(events("c/sub").isEmpty(), "below it the walk is narrowed again");
        assertNotNull(scanned("c/sub").getReusedTree());
        assertCountsAgree();
    }

    @Test
    void aParentEntryChangedDuringItsBackupMakesItsDirectoryListed() throws IOException {
        tree();
        BlobId top = snapshot((rel, n) -> rel.equals("c/h") ? new Node(n.name(), n.type(), n.mode(), n.uid(), n.gid(),
                n.size(), n.mtimeNs(), n.atimeNs(), n.ctimeNs(), n.inode(), n.dev(), n.nlink(), n.rdev(), null,
                n.xattrs(), n.content(), null, null, true) : n);
        walk(top, List.of("a/b"));
        assertEquals(Map.of("h", FileOrigin.CHANGED), origins(events("c")), "a listing reads it again: so is c listed");
        assertCountsAgree();
    }

    @Test
    void aChangedListOutOfOrderMeansAFullWalk() throws IOException {
        tree();
        BlobId top = snapshot();
        Files.write(root.resolve("c/h"), b("changed, and not named"));
        walk(top, List.of("c/sub", "a/b"));
        assertEquals(Map.of("h", FileOrigin.CHANGED), origins(events("c")), "a list that cannot be searched narrows nothing");
        assertCountsAgree();
    }

    @Test
    void theSmallEntriesOfADirectoryGoOutInBatchesAndLargeFilesOnTheirOwn() throws IOException {
        Path many = Files.createDirectories(root.resolve("many"));
        int small = DirBatches.MAX_ENTRIES + 10;
        for (int i = 0; i < small; i++) {
            Files.write(many.resolve(String.format("s%04d", i)), new byte[] {(byte) i});
            Files.createSymbolicLink(many.resolve(String.format("l%04d", i)), Path.of("target"));
        }
        Files.write(many.resolve("large"), new byte[(int) DirBatches.SMALL_FILE_BYTES + 1]);
        scan("many", null, false);

        List<Integer> eventSizes = new ArrayList<>();
        List<Integer> manifestSizes = new ArrayList<>();
        for (Object o : records) {
            if (o instanceof FileEvent e) {
                eventSizes.add(1 + e.getMore().size());
            } else if (o instanceof FileManifest f) {
                manifestSizes.add(1 + f.getMore().size());
            }
        }
        assertEquals(List.of(DirBatches.MAX_ENTRIES, 10, 1).stream().sorted().toList(),
                eventSizes.stream().sorted().toList(), "small files in batches of at most MAX_ENTRIES; large alone");
        assertEquals(List.of(DirBatches.MAX_ENTRIES, 10), manifestSizes, "the links' manifests likewise");
        assertEquals(2 * small + 1, scanned("many").getEntries());
        assertEquals(2 * small + 1, events("many").size() + manifests("many").size(), "every entry exactly once");
        for (FileEvent e : events("many").values()) {
            assertEquals(e.getNode().getSize(), e.getLength(), "each read whole");
        }
    }
}
