package io.streamvault.restore.internal;

import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.Hex;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Trees;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One restore. The calling thread walks the snapshot's trees depth first, decides what is selected
 * ({@link Selection}), creates directories, symlinks and special files, and hands regular files to a
 * bounded pool of workers; a large file is cut into segments of whole chunks that workers write at
 * their offsets in parallel, each chunk one ranged read. A worker that finishes a file's last
 * segment applies its metadata through its descriptor. Hard links are made once every file is
 * written, then directories get their metadata deepest first, the target last.
 *
 * <p>Confinement: every entry is created relative to an open descriptor of its directory
 * ({@link DirFd}), directories are entered only with O_NOFOLLOW, names are checked again here
 * (the tree decoder refuses hostile names first), and a symlink found where the snapshot has a
 * directory is refused and reported, never followed. Replaced entries are written under a temporary
 * name and renamed over the old one, so a failed replacement leaves the old entry in place.
 */
public final class RestoreWalk {
    /** Granularity of holes: the file-system block size of nearly every Linux file system. */
    static final int BLOCK = 4096;
    /** A file larger than this is written by several workers at once, in segments of about this size. */
    static final long SEGMENT_BYTES = 16L << 20;
    /** Small files gathered before they are submitted in pack order. */
    static final int BATCH = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vault vault;
    private final MasterIndex index;
    private final Selection selection;
    private final Overwrite policy;
    private final int workers;
    private final RestoreProgress progress;
    private final boolean root = Posix.isRoot();
    private final Map<List<Long>, FileJob> firstLinks = new HashMap<>();
    private final List<LinkJob> links = new ArrayList<>();
    private final List<FileJob> batch = new ArrayList<>();
    private ThreadPoolExecutor pool;
    private Semaphore slots;

    public RestoreWalk(Vault vault, MasterIndex index, RestoreOptions options, RestoreProgress progress) {
        this.vault = vault;
        this.index = index;
        this.selection = new Selection(options);
        this.policy = options.overwrite();
        this.workers = options.workers();
        this.progress = progress;
    }

    /** A directory of the snapshot on its way to the target. Fields are used by the walking thread only, except fd. */
    private static final class DirRec {
        final DirRec parent;
        final byte[] name;
        final Node node;
        final String shown;
        final List<DirRec> children = new ArrayList<>();
        DirFd fd;
        int refs = 1; // the walk's own
        boolean materialized;
        boolean created;
        boolean failed;
        boolean applyMeta;

        DirRec(DirRec parent, byte[] name, Node node, String shown) {
            this.parent = parent;
            this.name = name;
            this.node = node;
            this.shown = shown;
        }

        synchronized void acquire() {
            refs++;
        }

        void release() {
            DirFd close = null;
            synchronized (this) {
                if (--refs == 0 && fd != null && parent != null) {
                    close = fd;
                    fd = null;
                }
            }
            if (close != null) {
                close.close();
            }
        }
    }

    /** One regular file being written by one or more segment tasks. */
    private static final class FileJob {
        final DirRec dir;
        final Node node;
        final String shown;
        final boolean replace;
        final BlobLocation[] locs;
        final long[] offsets;
        final long length;
        final AtomicInteger remaining = new AtomicInteger();
        byte[] createName;
        DirFd.OpenFile file;
        volatile Throwable failure;
        volatile boolean ok;

        FileJob(DirRec dir, Node node, String shown, boolean replace, BlobLocation[] locs, long[] offsets, long length) {
            this.dir = dir;
            this.node = node;
            this.shown = shown;
            this.replace = replace;
            this.locs = locs;
            this.offsets = offsets;
            this.length = length;
        }

        synchronized FileChannel channel() throws IOException {
            if (file == null) {
                createName = replace ? tempName() : node.name();
                file = dir.fd.create(createName);
            }
            return file.channel();
        }

        void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }
    }

    private record LinkJob(FileJob first, DirRec dir, Node node, String shown) {
    }

    public void run(BlobId topTree, Path target) {
        Tree top = readTree(topTree);
        if (top.nodes().size() != 1 || top.nodes().get(0).type() != FileKind.DIR) {
            throw new FatalException(ErrorCode.CORRUPT_OBJECT,
                    "snapshot tree " + topTree.shortHex() + " does not hold exactly one directory");
        }
        Node rootNode = top.nodes().get(0);
        DirRec rootRec = new DirRec(null, new byte[0], rootNode, ".");
        try {
            BasicFileAttributes existing = null;
            if (Files.isDirectory(target)) {
                existing = Files.readAttributes(target, BasicFileAttributes.class);
            } else {
                Files.createDirectories(target);
            }
            rootRec.fd = DirFd.open(target);
            rootRec.created = existing == null;
            rootRec.applyMeta = existing == null || replaces(rootNode, existing.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot create or open the restore target "
                    + RawPaths.display(target) + ": " + reason(e), e);
        }
        rootRec.materialized = true;
        pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sv-restore");
            t.setDaemon(true);
            return t;
        });
        slots = new Semaphore(workers * 4);
        try {
            try {
                if (rootNode.subtree() != null) {
                    walk(rootRec, rootNode.subtree(), new ArrayList<>(), false);
                }
            } finally {
                flushBatch();
                progress.walkDone();
                pool.shutdown();
                awaitPool();
            }
            if (!progress.cancelled()) {
                makeLinks(rootRec);
            }
            metaPass(rootRec, rootRec.fd);
        } finally {
            rootRec.fd.close();
        }
    }

    private void awaitPool() {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                progress.cancel();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // -- the walk (calling thread) ---------------------------------------------------------------

    private void walk(DirRec d, BlobId treeId, List<byte[]> path, boolean included) {
        Tree tree;
        try {
            tree = readTree(treeId);
        } catch (StreamVaultException e) {
            progress.error(d.shown + ": cannot read its listing: " + e.getMessage());
            return;
        }
        for (Node n : Trees.nodes(tree, this::readTree)) {
            if (progress.cancelled() || d.failed) {
                return;
            }
            String shown = d.parent == null ? RawPaths.display(n.name()) : d.shown + "/" + RawPaths.display(n.name());
            try {
                RawPaths.checkName(n.name());
            } catch (FatalException e) {
                progress.error(shown + ": refused: " + e.getMessage());
                continue;
            }
            path.add(n.name());
            try {
                Selection.Decision dec = selection.decide(path, n, included);
                if (dec != Selection.Decision.SKIP) {
                    restoreNode(d, n, shown, path, dec);
                }
            } catch (StreamVaultException e) {
                progress.error(shown + ": " + e.getMessage());
            } catch (IOException e) {
                progress.error(shown + ": " + reason(e));
            } finally {
                path.remove(path.size() - 1);
            }
        }
    }

    private void restoreNode(DirRec d, Node n, String shown, List<byte[]> path, Selection.Decision dec)
            throws IOException {
        switch (n.type()) {
            case DIR -> {
                DirRec c = new DirRec(d, n.name(), n, shown);
                try {
                    if (dec == Selection.Decision.SELECT && materialize(c) == null) {
                        return;
                    }
                    if (n.subtree() != null) {
                        walk(c, n.subtree(), path, dec == Selection.Decision.SELECT);
                    }
                } finally {
                    c.release();
                }
            }
            case FILE -> restoreFile(d, n, shown);
            case SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE -> restoreSpecial(d, n, shown);
            case SOCKET -> {
                // A socket belongs to the process that listened on it; there is nothing to restore.
            }
            default -> progress.error(shown + ": unknown entry type " + n.type());
        }
    }

    /** The directory's descriptor, creating it (and its parents) in the target first; null if it cannot be. */
    private DirFd materialize(DirRec c) {
        if (c.materialized) {
            return c.fd;
        }
        if (c.failed) {
            return null;
        }
        DirFd parent = materialize(c.parent);
        if (parent == null) {
            c.failed = true;
            return null;
        }
        try {
            FileMeta ex = c.parent.created ? null : parent.lstat(c.name);
            if (ex == null) {
                parent.mkdir(c.name);
                c.created = true;
                c.applyMeta = true;
            } else if (ex.kind() == FileKind.DIR) {
                c.applyMeta = replaces(c.node, ex.mtimeNs());
            } else if (ex.kind() == FileKind.SYMLINK) {
                progress.error(c.shown + ": refused: the target holds a symlink where the snapshot has a directory;"
                        + " nothing is restored through it");
                c.failed = true;
                return null;
            } else if (!replaces(c.node, ex.mtimeNs())) {
                progress.skipped();
                c.failed = true;
                return null;
            } else {
                parent.delete(c.name);
                parent.mkdir(c.name);
                c.created = true;
                c.applyMeta = true;
            }
            c.fd = parent.openDir(c.name);
        } catch (DirFd.SymlinkInTheWay e) {
            progress.error(c.shown + ": refused: " + reason(e) + " (a symlink appeared in the target during the restore)");
            c.failed = true;
            return null;
        } catch (IOException | StreamVaultException e) {
            progress.error(c.shown + ": " + reason(e));
            c.failed = true;
            return null;
        }
        c.materialized = true;
        c.parent.children.add(c);
        progress.dirDone();
        return c.fd;
    }

    private boolean replaces(Node n, long existingMtimeNs) {
        return switch (policy) {
            case NEVER -> false;
            case ALWAYS -> true;
            case IF_NEWER -> n.mtimeNs() > existingMtimeNs;
        };
    }

    /** What exists at the name, for a non-directory about to be written: null to write, else why not (skip). */
    private enum Existing { NONE, REPLACE, SKIP, BLOCKED }

    private Existing existing(DirRec d, DirFd fd, Node n, String shown) throws IOException {
        if (d.created) {
            return Existing.NONE;
        }
        FileMeta ex = fd.lstat(n.name());
        if (ex == null) {
            return Existing.NONE;
        }
        if (ex.kind() == FileKind.DIR) {
            progress.error(shown + ": a directory is in the way");
            return Existing.BLOCKED;
        }
        if (!replaces(n, ex.mtimeNs())) {
            progress.skipped();
            return Existing.SKIP;
        }
        return Existing.REPLACE;
    }

    private void restoreFile(DirRec d, Node n, String shown) throws IOException {
        DirFd fd = materialize(d);
        if (fd == null) {
            return;
        }
        List<Long> linkKey = null;
        if (n.nlink() > 1) {
            linkKey = List.of(n.dev(), n.inode());
            FileJob first = firstLinks.get(linkKey);
            if (first != null) {
                links.add(new LinkJob(first, d, n, shown));
                progress.addTotal(1, 0);
                return;
            }
        }
        Existing ex = existing(d, fd, n, shown);
        if (ex == Existing.SKIP || ex == Existing.BLOCKED) {
            return;
        }
        List<BlobId> content = n.content();
        BlobLocation[] locs = new BlobLocation[content.size()];
        long[] offsets = new long[content.size()];
        long length = 0;
        for (int i = 0; i < locs.length; i++) {
            BlobId id = content.get(i);
            BlobLocation loc = index.find(id, BlobType.DATA).orElse(null);
            if (loc == null) {
                progress.error(shown + ": chunk " + id.shortHex() + " is in no index of the vault");
                return;
            }
            locs[i] = loc;
            offsets[i] = length;
            length += loc.rawLength();
        }
        FileJob job = new FileJob(d, n, shown, ex == Existing.REPLACE, locs, offsets, length);
        if (linkKey != null) {
            firstLinks.put(linkKey, job);
        }
        progress.addTotal(1, length);
        List<int[]> segments = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < locs.length; i++) {
            bytes += locs[i].rawLength();
            if (bytes >= SEGMENT_BYTES && i + 1 < locs.length) {
                segments.add(new int[] {start, i + 1});
                start = i + 1;
                bytes = 0;
            }
        }
        segments.add(new int[] {start, locs.length});
        job.remaining.set(segments.size());
        d.acquire();
        if (segments.size() == 1 && locs.length > 0) {
            batch.add(job); // small files go in pack order, see flushBatch
            if (batch.size() >= BATCH) {
                flushBatch();
            }
            return;
        }
        submit(job, segments);
    }

    /**
     * Submits the small files gathered so far, sorted by where their first chunk lies (pack, then
     * offset), so that reads of many small files sweep through each pack instead of jumping between
     * packs in tree order.
     */
    private void flushBatch() {
        batch.sort(java.util.Comparator.comparing((FileJob j) -> j.locs[0].pack()).thenComparingLong(j -> j.locs[0].offset()));
        for (FileJob j : batch) {
            submit(j, List.of(new int[] {0, j.locs.length}));
        }
        batch.clear();
    }

    private void submit(FileJob job, List<int[]> segments) {
        for (int[] s : segments) {
            slots.acquireUninterruptibly();
            try {
                pool.execute(() -> runSegment(job, s[0], s[1]));
            } catch (RuntimeException e) {
                slots.release();
                job.fail(e);
                if (job.remaining.decrementAndGet() == 0) {
                    finish(job);
                }
            }
        }
    }

    private void restoreSpecial(DirRec d, Node n, String shown) throws IOException {
        DirFd fd = materialize(d);
        if (fd == null) {
            return;
        }
        if ((n.type() == FileKind.CHAR_DEVICE || n.type() == FileKind.BLOCK_DEVICE) && !root) {
            progress.error(shown + ": device files can only be restored as root");
            return;
        }
        Existing ex = existing(d, fd, n, shown);
        if (ex == Existing.SKIP || ex == Existing.BLOCKED) {
            return;
        }
        byte[] name = ex == Existing.REPLACE ? tempName() : n.name();
        if (n.type() == FileKind.SYMLINK) {
            fd.symlink(name, n.linkTarget());
        } else {
            fd.mknod(name, n.type(), n.mode(), n.rdev());
        }
        try {
            fd.setMetaAt(name, n.type(), meta(n));
        } catch (IOException e) {
            progress.error(shown + ": metadata: " + reason(e));
        }
        if (ex == Existing.REPLACE) {
            try {
                fd.rename(name, n.name());
            } catch (IOException e) {
                deleteQuietly(fd, name);
                throw e;
            }
        }
    }

    // -- workers ---------------------------------------------------------------------------------

    private void runSegment(FileJob job, int from, int to) {
        try {
            if (!progress.cancelled() && job.failure == null) {
                FileChannel ch = job.channel();
                for (int i = from; i < to && !progress.cancelled() && job.failure == null; i++) {
                    byte[] data = vault.readBlob(job.locs[i]);
                    writeSparse(ch, data, job.offsets[i]);
                    progress.bytesDone(data.length);
                }
            }
        } catch (Throwable t) {
            job.fail(t);
        } finally {
            slots.release();
            if (job.remaining.decrementAndGet() == 0) {
                finish(job);
            }
        }
    }

    private void finish(FileJob job) {
        Node n = job.node;
        DirFd fd = job.dir.fd;
        try {
            if (job.failure == null && !progress.cancelled()) {
                FileChannel ch = job.channel();
                if (job.length > 0 && ch.size() < job.length) {
                    job.file.setLength(job.length); // the file ends in a hole
                }
                try {
                    job.file.setMeta(meta(n));
                } catch (IOException e) {
                    progress.error(job.shown + ": metadata: " + reason(e));
                }
                job.file.close();
                if (job.replace) {
                    fd.rename(job.createName, n.name());
                }
                if (job.length != n.size() && !n.changedDuringBackup()) {
                    progress.error(job.shown + ": restored " + job.length + " bytes but the snapshot records " + n.size());
                }
                job.ok = true;
                progress.fileDone();
            }
        } catch (Throwable t) {
            job.fail(t);
        }
        if (!job.ok) {
            if (job.file != null) {
                try {
                    job.file.close();
                } catch (IOException ignored) {
                    // being removed anyway
                }
                deleteQuietly(fd, job.createName);
            }
            if (job.failure != null) {
                progress.error(job.shown + ": " + reason(job.failure));
            }
        }
        job.dir.release();
    }

    // -- after the contents ----------------------------------------------------------------------

    private void makeLinks(DirRec rootRec) {
        for (LinkJob l : links) {
            if (progress.cancelled()) {
                return;
            }
            if (!l.first().ok) {
                progress.error(l.shown() + ": not linked: the first name of its hard-link group, " + l.first().shown
                        + ", was not restored");
                continue;
            }
            try (DirFd from = openChain(l.first().dir); DirFd to = openChain(l.dir())) {
                Existing ex = existing(l.dir(), to, l.node(), l.shown());
                if (ex == Existing.SKIP || ex == Existing.BLOCKED) {
                    continue;
                }
                if (ex == Existing.REPLACE) {
                    byte[] tmp = tempName();
                    to.link(from, l.first().node.name(), tmp);
                    try {
                        to.rename(tmp, l.node().name());
                    } catch (IOException e) {
                        deleteQuietly(to, tmp);
                        throw e;
                    }
                } else {
                    to.link(from, l.first().node.name(), l.node().name());
                }
                progress.fileDone();
            } catch (IOException | StreamVaultException e) {
                progress.error(l.shown() + ": " + reason(e));
            }
        }
    }

    /** A new descriptor of a materialized directory, opened from the target down without following symlinks. */
    private DirFd openChain(DirRec d) throws IOException {
        List<DirRec> chain = new ArrayList<>();
        DirRec top = d;
        while (top.parent != null) {
            chain.add(top);
            top = top.parent;
        }
        DirFd cur = top.fd.reopen();
        for (int i = chain.size() - 1; i >= 0; i--) {
            DirFd next;
            try {
                next = cur.openDir(chain.get(i).name);
            } finally {
                cur.close();
            }
            cur = next;
        }
        return cur;
    }

    /** Directory metadata, deepest first: a directory's times are set after everything in it is written. */
    private void metaPass(DirRec d, DirFd fd) {
        for (DirRec c : d.children) {
            try (DirFd cfd = fd.openDir(c.name)) {
                metaPass(c, cfd);
            } catch (IOException e) {
                progress.error(c.shown + ": metadata: " + reason(e));
            }
        }
        if (d.applyMeta) {
            try {
                fd.setMeta(meta(d.node));
            } catch (IOException e) {
                progress.error(d.shown + ": metadata: " + reason(e));
            }
        }
    }

    // -- helpers ---------------------------------------------------------------------------------

    private DirFd.Meta meta(Node n) {
        return new DirFd.Meta(n.mode(), n.uid(), n.gid(), root, n.atimeNs(), n.mtimeNs(), n.xattrs());
    }

    private Tree readTree(BlobId id) {
        BlobLocation loc = index.find(id, BlobType.TREE).orElseThrow(() -> new FatalException(ErrorCode.OBJECT_NOT_FOUND,
                "tree blob " + id.shortHex() + " is in no index of the vault"));
        return vault.decodeTree(vault.readBlob(loc));
    }

    static byte[] tempName() {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return (".sv-restore-" + Hex.of(r)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void deleteQuietly(DirFd fd, byte[] name) {
        if (fd == null || name == null) {
            return;
        }
        try {
            fd.delete(name);
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover temporary file is named .sv-restore-*
        }
    }

    static String reason(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof StreamVaultException s) {
            return s.getMessage() + " [" + s.code().id() + "]";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Writes {@code data} at {@code pos}, skipping every all-zero block of {@link #BLOCK} bytes so
     * that zeros become holes, as they were in a sparse source. Returns true when the data ends in
     * a skipped block (the file must then be extended to its length).
     */
    static boolean writeSparse(FileChannel ch, byte[] data, long pos) throws IOException {
        int start = -1;
        boolean lastZero = false;
        for (int off = 0; off < data.length; off += BLOCK) {
            int len = Math.min(BLOCK, data.length - off);
            lastZero = isZero(data, off, len);
            if (lastZero && start >= 0) {
                write(ch, data, start, off - start, pos);
                start = -1;
            } else if (!lastZero && start < 0) {
                start = off;
            }
        }
        if (start >= 0) {
            write(ch, data, start, data.length - start, pos);
        }
        return lastZero;
    }

    private static void write(FileChannel ch, byte[] data, int off, int len, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        while (b.hasRemaining()) {
            ch.write(b, pos + b.position());
        }
    }

    private static final byte[] ZEROS = new byte[BLOCK];

    static boolean isZero(byte[] b, int off, int len) {
        return java.util.Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
    }
}
