package io.streamvault.scanner.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.NodeRecords;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Tree;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists one directory: each regular file becomes a file event for the chunkers (in segments when
 * large), each other entry a manifest straight to the catalog, each subdirectory either a new
 * directory task or, while a small budget lasts, a directory listed right here; last, each
 * directory's own record with its counts, so the catalog can tell when the walk is complete. All
 * of it commits in one transaction with the task's offset. Entries that the job's exclude globs
 * match are skipped before anything else is done with them: they are not counted, not sent, and
 * an excluded directory is not listed.
 *
 * <p>A task with changed directories ({@code changed_dirs}, from a change feed) narrows the walk: a
 * directory that is neither changed nor an ancestor of a change, and has an unsplit tree in the
 * parent snapshot, is not listed; its entries are that tree's, taken as unchanged, and it sends
 * what a listing would have sent had nothing in it changed (see {@link #narrowed}).
 */
public final class ScanHandler implements TransactionalWorker.Handler<DirTask> {
    /** Entries one task may scan inline (its own and those of subdirectories it takes on). */
    static final long INLINE_ENTRIES = 4000;
    static final long INLINE_NANOS = 200_000_000L;
    /** Subdirectories held for inline listing; the rest of a wide directory's go out as tasks at once. */
    static final int MAX_HELD_CHILDREN = 1024;
    /** Most chunk ids one manifest record carries (32 bytes each: about 256 KiB). */
    static final int MAX_IDS_PER_RECORD = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(ScanHandler.class);
    private final Topics topics;
    private final TreeIndex trees;
    private final String worker;
    private final long segmentBytes;
    private final ScanMeters meters;
    /** The small entries of the directory being listed, sent in batches. */
    private final DirBatches batches;
    /** The exclude globs of the job last scanned (a worker takes many tasks of one job in a row). */
    private Excludes lastExcludes = Excludes.NONE;

    public ScanHandler(Topics topics, TreeIndex trees, String worker, long segmentBytes, ScanMeters meters) {
        this.meters = meters;
        this.topics = topics;
        this.trees = trees;
        this.worker = worker;
        this.segmentBytes = segmentBytes;
        this.batches = new DirBatches(topics, worker);
    }

    @Override
    public void handle(ConsumerRecord<byte[], byte[]> raw, DirTask task, Emitter out) {
        // Small subtrees are scanned right here, depth by depth, instead of one Kafka round trip per
        // directory; past the budget, the remaining subdirectories go out as tasks for any scanner.
        Deque<DirTask> here = new ArrayDeque<>();
        here.add(task);
        long deadline = System.nanoTime() + INLINE_NANOS;
        long budget = INLINE_ENTRIES;
        while (!here.isEmpty()) {
            DirTask t = here.poll();
            if (t != task && (budget <= 0 || System.nanoTime() > deadline)) {
                out.send(topics.dirTasks, Topics.spreadKey(t.getJob(), Buffers.of(t.getRel())), t);
                continue;
            }
            Counts c = scan(t, out);
            // A directory taken from the parent's tree costs only its own records, not a listing.
            budget -= (c.narrowed ? c.subdirs : c.entries) + 1;
            here.addAll(c.children);
        }
    }

    /**
     * Lists one directory (or, in a narrowed walk, takes its listing from the parent snapshot) and
     * emits what it holds; returns its counts and its subdirectories.
     */
    private Counts scan(DirTask task, Emitter out) {
        String job = task.getJob();
        byte[] root = Buffers.of(task.getRoot());
        byte[] rel = Buffers.of(task.getRel());
        Path dir = RawPaths.of(rel.length == 0 ? root : RawPaths.join(root, rel));
        byte[] name = rel.length == 0 ? RawPaths.fileName(dir) : RawPaths.base(rel);
        NodeRecord dirNode;
        try {
            dirNode = Metadata.read(dir, name);
            if (dirNode.getType() != NodeType.DIR) {
                dirNode = Metadata.failed(name, NodeType.DIR, "no longer a directory");
            }
        } catch (IOException e) {
            dirNode = Metadata.failed(name, NodeType.DIR, Posix.reason(e));
        }
        Excludes skip = Excludes.NONE;
        if (dirNode.getError() == null) {
            try {
                skip = excludes(task);
            } catch (FatalException e) {
                // The command checks the globs before the job starts; should one get here anyway, the
                // job ends incomplete with this reason instead of backing up what it was to leave out.
                dirNode.setError("--exclude: " + e.getMessage());
            }
        }
        Counts c = new Counts();
        if (dirNode.getError() == null) {
            ParentListing previous = parentListing(task);
            List<ByteBuffer> changed = changed(task, rel);
            // Neither changed nor above a change: the parent's listing stands for it, if it can.
            Counts n = changed != null && previous != null && ChangedSet.within(changed, rel).isEmpty()
                    ? narrowed(task, root, rel, previous, skip, changed, out) : null;
            c = n != null ? n : list(task, root, rel, dir, dirNode, skip, previous, changed, out);
        }
        out.send(topics.dirScans, job, DirScanned.newBuilder()
                .setJob(job)
                .setRel(ByteBuffer.wrap(rel))
                .setNode(dirNode)
                .setEntries(c.entries - c.reusedCount)
                .setSubdirs(c.subdirs)
                .setFiles(c.files)
                .setBytes(c.bytes)
                .setBytesToRead(c.bytesToRead)
                .setWorker(worker)
                .setReusedTree(c.reusedTree == null ? null : ByteBuffer.wrap(c.reusedTree.bytes()))
                .setReusedFiles(c.reusedFiles)
                .setReusedBytes(c.reusedBytes)
                .build());
        meters.directories.increment();
        meters.files.increment(c.files);
        return c;
    }

    /**
     * Lists the directory at {@code dir} ({@code rel} from the root), each entry compared with the
     * parent's listing {@code previous} (null: none); a listing error goes into {@code dirNode}.
     */
    private Counts list(DirTask task, byte[] root, byte[] rel, Path dir, NodeRecord dirNode, Excludes skip,
            ParentListing previous, List<ByteBuffer> changed, Emitter out) {
        String job = task.getJob();
        Counts c = new Counts();
        batches.start(job, root, rel);
        // Names sorted, then matched against the parent's entries (also in name order) in one
        // pass: memory holds the names, never the parent's listing of a huge directory.
        List<byte[]> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                names.add(RawPaths.fileName(p));
            }
        } catch (IOException | DirectoryIteratorException e) {
            dirNode.setError(Posix.reason(e instanceof DirectoryIteratorException d ? d.getCause() : e));
        }
        names.sort(Arrays::compareUnsigned);
        ParentCursor parent = new ParentCursor(previous);
        Held held = new Held(parent.id != null && !parent.split && !task.getForceRead());
        // An excluded name is passed over: the parent's entry of that name, if any, then counts
        // as removed, so the directory does not reuse a parent listing that holds it.
        List<byte[]> path = skip.none() ? null : RawPaths.splitRelative(rel);
        for (byte[] n : names) {
            if (path != null && excluded(skip, path, n)) {
                continue;
            }
            entry(task, root, rel, RawPaths.resolve(dir, n), n, changed, parent.seek(n), out, c, held);
        }
        // The catalog rebuilds this directory's tree unsplit: the reuse is only for one that stays so.
        if (held.possible && dirNode.getError() == null && c.entries <= Trees.SPLIT_ABOVE && parent.finish()
                && parent.nonDirs == held.count()) {
            c.reuse(parent.id, held.count(), held.files, held.bytes);
        } else {
            held.release(job, rel, out);
        }
        batches.flush(out);
        return c;
    }

    /**
     * The task's changed directories, or null for a full walk (none given, or --force-read). A list
     * out of order (only a faulty submitter sends one) cannot be searched: its subtree is walked in
     * full, never narrowed wrongly.
     */
    private static List<ByteBuffer> changed(DirTask task, byte[] rel) {
        List<ByteBuffer> dirs = task.getChangedDirs();
        if (dirs == null || task.getForceRead()) {
            return null;
        }
        if (!ChangedSet.sorted(dirs)) {
            LOG.warn("job {}: the changed directories of the task of \"{}\" are not sorted and distinct; walking all"
                    + " under it", task.getJob(), RawPaths.display(rel));
            return null;
        }
        return dirs;
    }

    /**
     * The directory {@code rel} taken from its tree in the parent snapshot without listing it: a
     * directory in which nothing changed, per the change feed. It sends what {@link #list} sends for
     * a directory whose every entry is unchanged: no record per entry, its {@code DirScanned} naming
     * the parent's tree, and one task per subdirectory (each with its part of the changed list).
     * Its own metadata was read as for any directory. Returns null when the parent's tree cannot
     * stand for it that way, and the directory is listed instead: a split tree, or one holding an
     * entry that a listing would not take as unchanged (an error, changed during the backup) or that
     * the job now excludes.
     */
    private Counts narrowed(DirTask task, byte[] root, byte[] rel, ParentListing previous, Excludes skip,
            List<ByteBuffer> changed, Emitter out) {
        Tree tree = previous.tree();
        if (!tree.parts().isEmpty() || tree.nodes().size() > Trees.SPLIT_ABOVE) {
            return null;
        }
        List<byte[]> path = skip.none() ? null : RawPaths.splitRelative(rel);
        for (Node n : tree.nodes()) {
            if (path != null && excluded(skip, path, n.name())) {
                return null;
            }
            if (n.type() != FileKind.DIR && !reusable(n)) {
                return null;
            }
        }
        Counts c = new Counts();
        c.narrowed = true;
        long files = 0;
        long bytes = 0;
        for (Node n : tree.nodes()) {
            c.entries++;
            if (n.type() == FileKind.DIR) {
                c.subdirs++;
                child(task, root, RawPaths.join(rel, n.name()), n, changed, out, c);
            } else if (n.type() == FileKind.FILE) {
                files++;
                bytes += n.size();
            }
        }
        c.files = files;
        c.bytes = bytes;
        c.reuse(previous.id(), c.entries - c.subdirs, files, bytes);
        return c;
    }

    /** True when a listing that found this entry's stat as recorded would take it as unchanged ({@link #unchanged}). */
    private static boolean reusable(Node prev) {
        return prev.error() == null && !prev.changedDuringBackup()
                && (prev.type() != FileKind.SYMLINK || prev.linkTarget() != null);
    }

    /** The task's exclude globs, compiled once for a run of tasks with the same ones. */
    private Excludes excludes(DirTask task) {
        List<String> given = task.getExcludes();
        if (!lastExcludes.patterns().equals(given)) {
            lastExcludes = Excludes.of(given);
        }
        return lastExcludes;
    }

    /** True when the entry {@code name} of the directory at {@code dir} (its names from the root) is excluded. */
    private static boolean excluded(Excludes skip, List<byte[]> dir, byte[] name) {
        dir.add(name);
        try {
            return skip.excludes(dir);
        } finally {
            dir.remove(dir.size() - 1);
        }
    }

    /**
     * The unchanged non-directory entries of a directory, held back while the directory may still
     * reuse its parent's listing: when every non-directory entry is unchanged and none was added or
     * removed, the directory's record names the parent's tree and they are not sent one by one
     * (the catalog takes them from that tree). Otherwise they are released as manifests. At most
     * {@link Trees#SPLIT_ABOVE} are held, so memory stays bounded in a huge directory.
     */
    private final class Held {
        private final List<byte[]> names = new ArrayList<>();
        private final List<FileMeta> metas = new ArrayList<>();
        private final List<Node> prevs = new ArrayList<>();
        boolean possible;
        long files;
        long bytes;

        Held(boolean possible) {
            this.possible = possible;
        }

        int count() {
            return names.size();
        }

        /** Holds an unchanged entry; false (nothing held) when the directory can no longer be reused. */
        boolean hold(byte[] name, FileMeta m, Node prev) {
            if (!possible || names.size() >= Trees.SPLIT_ABOVE || prev.dev() != m.dev()) {
                return false;
            }
            names.add(name);
            metas.add(m);
            prevs.add(prev);
            if (m.kind() == FileKind.FILE) {
                files++;
                bytes += m.size();
            }
            return true;
        }

        /** Sends what was held, one manifest per entry; nothing is held from here on. */
        void release(String job, byte[] rel, Emitter out) {
            for (int i = 0; i < names.size(); i++) {
                sendUnchanged(job, rel, Metadata.unchanged(names.get(i), metas.get(i), prevs.get(i)), prevs.get(i), out);
            }
            names.clear();
            metas.clear();
            prevs.clear();
            files = 0;
            bytes = 0;
            possible = false;
        }
    }

    /** A directory's tree in the parent snapshot, and its id. */
    private record ParentListing(BlobId id, Tree tree) {
    }

    /**
     * The task's directory in the parent snapshot: null when the task names none, when the parent
     * snapshot was forgotten since the job chose it, or when the tree cannot be read (the directory
     * is then read in full: slower, never wrong).
     */
    private ParentListing parentListing(DirTask task) {
        if (task.getParentTree() == null) {
            return null;
        }
        if (task.getParentSnapshot() != null && trees.vault().stat(ObjectKind.SNAPSHOT, task.getParentSnapshot()).isEmpty()) {
            // Forgotten since the job chose it: a garbage collection may be deleting what only it
            // reaches, so nothing of it is reused (docs/gc.md). The job is read in full instead.
            LOG.warn("job {}: parent snapshot {} no longer exists; nothing of it is reused", task.getJob(),
                    task.getParentSnapshot());
            return null;
        }
        BlobId id = BlobId.of(Buffers.of(task.getParentTree()));
        try {
            Tree tree = trees.read(id);
            if (task.getRel().remaining() == 0) {
                // The root task names the parent snapshot's top tree: one node, the backed-up directory.
                if (tree.nodes().size() != 1 || tree.nodes().get(0).subtree() == null) {
                    throw new FatalException(ErrorCode.CORRUPT_OBJECT, "top tree " + id.shortHex() + " is malformed");
                }
                id = tree.nodes().get(0).subtree();
                tree = trees.read(id);
            }
            return new ParentListing(id, tree);
        } catch (StreamVaultException e) {
            unreadable(id, e);
            return null;
        }
    }

    private static void unreadable(BlobId id, StreamVaultException e) {
        // Without the parent's listing the rest of this directory is read again: slower, never wrong.
        LOG.warn("parent tree {} unreadable, reading the directory in full: {}", id.shortHex(), e.getMessage());
    }

    /** Walks this directory's entries in the parent snapshot in name order, alongside the sorted listing. */
    private final class ParentCursor {
        private Iterator<Node> it;
        private Node current;
        /** The directory's tree in the parent snapshot (null when there is none or it is unreadable). */
        private BlobId id;
        /** True when that tree is split into parts. */
        private boolean split;
        /** Non-directory entries of that tree passed so far (all of them after {@link #finish}). */
        private long nonDirs;

        ParentCursor(ParentListing listing) {
            if (listing == null) {
                return;
            }
            id = listing.id();
            split = !listing.tree().parts().isEmpty();
            try {
                it = Trees.nodes(listing.tree(), trees::read).iterator();
                advance();
            } catch (StreamVaultException e) {
                give(e);
            }
        }

        /** The parent's entry with this name, or null; names must come in ascending order. */
        Node seek(byte[] name) {
            try {
                while (current != null && Arrays.compareUnsigned(current.name(), name) < 0) {
                    advance();
                }
            } catch (StreamVaultException e) {
                give(e);
            }
            return current != null && Arrays.equals(current.name(), name) ? current : null;
        }

        /** Passes the rest of the parent's entries; false when the parent's listing is unreadable. */
        boolean finish() {
            try {
                while (current != null) {
                    advance();
                }
            } catch (StreamVaultException e) {
                give(e);
            }
            return id != null;
        }

        private void advance() {
            current = it != null && it.hasNext() ? it.next() : null;
            if (current != null && current.type() != FileKind.DIR) {
                nonDirs++;
            }
        }

        private void give(StreamVaultException e) {
            unreadable(id, e);
            it = null;
            current = null;
            id = null;
        }
    }

    private void entry(DirTask task, byte[] root, byte[] rel, Path p, byte[] name, List<ByteBuffer> changed, Node prev,
            Emitter out, Counts c, Held held) {
        String job = task.getJob();
        boolean force = task.getForceRead();
        FileMeta m = null;
        NodeRecord n = null;
        try {
            m = Posix.lstat(p);
        } catch (NoSuchFileException e) {
            return; // vanished between listing and lstat: not part of the snapshot
        } catch (IOException e) {
            n = Metadata.failed(name, NodeType.FILE, Posix.reason(e));
        }
        if (m != null && m.kind() == FileKind.DIR) {
            c.entries++;
            c.subdirs++;
            child(task, root, RawPaths.join(rel, name), prev, changed, out, c);
            return;
        }
        if (m != null && !force && unchanged(prev, m)) {
            // Its stat says unchanged: nothing more is read (extended attributes and a symlink's
            // target cannot change without changing ctime); the parent's record stands for it.
            c.entries++;
            if (m.kind() == FileKind.FILE) {
                c.files++;
                c.bytes += m.size();
            }
            if (held.hold(name, m, prev)) {
                return;
            }
            if (held.possible) {
                held.release(job, rel, out);
            }
            sendUnchanged(job, rel, Metadata.unchanged(name, m, prev), prev, out);
            return;
        }
        if (n == null) {
            try {
                n = Metadata.read(p, name, m);
            } catch (NoSuchFileException e) {
                return; // vanished before its attributes were read
            } catch (IOException e) {
                n = Metadata.failed(name, NodeType.FILE, Posix.reason(e));
            }
        }
        c.entries++;
        if (held.possible) {
            held.release(job, rel, out);
        }
        FileOrigin origin = origin(prev, n);
        if (n.getError() == null && n.getType() == NodeType.FILE) {
            c.files++;
            c.bytes += n.getSize();
            if (n.getSize() > 0) {
                c.bytesToRead += n.getSize();
                if (DirBatches.small(n)) {
                    batches.file(n, origin, out);
                } else {
                    fileEvents(job, root, rel, n, origin, out);
                }
                return;
            }
        }
        batches.manifest(n, origin, out);
    }

    /**
     * The task of subdirectory {@code childRel}, whose entry in the parent's listing is {@code prev}
     * (null: none): held for listing inline, or sent for any scanner. It carries the part of the
     * changed list at or under it; when the parent snapshot recorded it with an error (it could not
     * be listed then), it names itself as changed, so that it is listed again rather than taken from
     * that tree.
     */
    private void child(DirTask task, byte[] root, byte[] childRel, Node prev, List<ByteBuffer> changed, Emitter out,
            Counts c) {
        boolean hasParent = prev != null && prev.type() == FileKind.DIR && prev.subtree() != null;
        List<ByteBuffer> carried = null;
        if (changed != null) {
            carried = hasParent && (prev.error() != null || prev.changedDuringBackup())
                    ? List.of(ByteBuffer.wrap(childRel)) : ChangedSet.within(changed, childRel);
        }
        DirTask child = DirTask.newBuilder()
                .setJob(task.getJob())
                .setRoot(ByteBuffer.wrap(root))
                .setRel(ByteBuffer.wrap(childRel))
                .setParentTree(hasParent ? ByteBuffer.wrap(prev.subtree().bytes()) : null)
                .setForceRead(task.getForceRead())
                .setExcludes(task.getExcludes())
                .setChangedDirs(carried)
                .build();
        if (c.children.size() < MAX_HELD_CHILDREN) {
            c.children.add(child); // may be listed inline
        } else {
            out.send(topics.dirTasks, Topics.spreadKey(task.getJob(), childRel), child);
        }
    }

    /**
     * True when the parent snapshot's entry still describes this one: same type, and size, mtime
     * and ctime (to the ns), inode and mode all unchanged, and the parent stored it whole.
     */
    static boolean unchanged(Node prev, FileMeta m) {
        return prev != null && prev.type() == m.kind() && prev.error() == null && !prev.changedDuringBackup()
                && prev.size() == (m.kind() == FileKind.FILE || m.kind() == FileKind.SYMLINK ? m.size() : 0)
                && prev.mtimeNs() == m.mtimeNs() && prev.ctimeNs() == m.ctimeNs() && prev.inode() == m.inode()
                && prev.mode() == m.mode() && (m.kind() != FileKind.SYMLINK || prev.linkTarget() != null);
    }

    /** An unchanged entry's manifest: a file's carries the parent's chunk ids, and nothing is read. */
    private void sendUnchanged(String job, byte[] rel, NodeRecord n, Node prev, Emitter out) {
        if (n.getType() == NodeType.FILE) {
            reuse(job, rel, n, prev, out);
        } else {
            batches.manifest(n, FileOrigin.UNMODIFIED, out);
        }
    }

    /**
     * For an entry that {@link #unchanged} did not find unchanged (or that --force-read reads
     * again): NEW when the parent snapshot has no entry of its name and type, else CHANGED.
     */
    static FileOrigin origin(Node prev, NodeRecord n) {
        return prev == null || prev.type() != FileKind.valueOf(n.getType().name()) ? FileOrigin.NEW : FileOrigin.CHANGED;
    }

    /** An unchanged file: its manifest carries the parent's chunk ids, and nothing is read. */
    private void reuse(String job, byte[] rel, NodeRecord n, Node prev, Emitter out) {
        List<BlobId> ids = prev.content();
        int parts = Math.max(1, (ids.size() + MAX_IDS_PER_RECORD - 1) / MAX_IDS_PER_RECORD);
        for (int part = 0; part < parts; part++) {
            List<ByteBuffer> content = new ArrayList<>();
            for (BlobId id : ids.subList(part * MAX_IDS_PER_RECORD, Math.min(ids.size(), (part + 1) * MAX_IDS_PER_RECORD))) {
                content.add(ByteBuffer.wrap(id.bytes()));
            }
            NodeRecord copy = NodeRecords.withContent(n, content);
            if (parts == 1) {
                batches.manifest(copy, FileOrigin.UNMODIFIED, out);
            } else {
                out.send(topics.fileManifests, job, manifest(job, rel, copy, FileOrigin.UNMODIFIED, part, parts));
            }
        }
    }

    private FileManifest manifest(String job, byte[] rel, NodeRecord n, FileOrigin origin, int part, int parts) {
        return FileManifest.newBuilder()
                .setJob(job)
                .setDir(ByteBuffer.wrap(rel))
                .setNode(n)
                .setOrigin(origin)
                .setPart(part)
                .setParts(parts)
                .setAttempt(0)
                .setChunksPending(0)
                .setBytesRead(0)
                .setWorker(worker)
                .setMore(List.of()) // every field set: see Metadata.stat
                .build();
    }

    private void fileEvents(String job, byte[] root, byte[] rel, NodeRecord n, FileOrigin origin, Emitter out) {
        long size = n.getSize();
        int parts = (int) Math.max(1, (size + segmentBytes - 1) / segmentBytes);
        byte[] key = Topics.spreadKey(job, RawPaths.join(rel, Buffers.of(n.getName())));
        for (int part = 0; part < parts; part++) {
            long offset = part * segmentBytes;
            out.send(topics.fileEvents, parts == 1 ? key : partKey(key, part), FileEvent.newBuilder()
                    .setJob(job)
                    .setRoot(ByteBuffer.wrap(root))
                    .setDir(ByteBuffer.wrap(rel))
                    .setNode(n)
                    .setOrigin(origin)
                    .setOffset(offset)
                    .setLength(Math.min(segmentBytes, size - offset))
                    .setPart(part)
                    .setParts(parts)
                    .setAttempt(0)
                    .setMore(List.of()) // every field set: see Metadata.stat
                    .build());
        }
    }

    private static byte[] partKey(byte[] key, int part) {
        byte[] k = Arrays.copyOf(key, key.length + 5);
        ByteBuffer.wrap(k, key.length, 5).put((byte) 0).putInt(part);
        return k;
    }

    private static final class Counts {
        final List<DirTask> children = new ArrayList<>();
        /** Set when the directory reuses its parent's non-directory entries (see {@link Held}). */
        BlobId reusedTree;
        /** Those entries (counted in {@link #entries} but not sent), and the files and bytes among them. */
        long reusedCount;
        long reusedFiles;
        long reusedBytes;
        /** True when the directory was taken from the parent's tree without a listing ({@link #narrowed}). */
        boolean narrowed;
        long entries;
        long subdirs;
        long files;
        long bytes;
        long bytesToRead;

        void reuse(BlobId tree, long count, long files, long bytes) {
            reusedTree = tree;
            reusedCount = count;
            reusedFiles = files;
            reusedBytes = bytes;
        }
    }
}
