package io.streamvault.catalog.internal;

import io.streamvault.catalog.Restorer;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.fs.Xattr;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One restore: walks the snapshot's trees depth first and writes what they describe. */
public final class RestoreWalk {
    private final Vault vault;
    private final MasterIndex index;
    private final Restorer.Progress progress;
    private final boolean root = Posix.isRoot();
    private final Map<List<Long>, Path> hardLinks = new HashMap<>();
    private final List<String> errors = new ArrayList<>();
    private long files;
    private long dirs;
    private long bytes;

    public RestoreWalk(Vault vault, MasterIndex index, Restorer.Progress progress) {
        this.vault = vault;
        this.index = index;
        this.progress = progress;
    }

    public Restorer.Result run(BlobId topTree, Path target) {
        Tree top = readTree(topTree);
        if (top.nodes().size() != 1 || top.nodes().get(0).type() != FileKind.DIR) {
            throw new FatalException(ErrorCode.CORRUPT_OBJECT,
                    "snapshot tree " + topTree.shortHex() + " does not hold exactly one directory");
        }
        Node rootNode = top.nodes().get(0);
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot create restore target " + target + ": " + e.getMessage(), e);
        }
        restoreDir(target, rootNode.subtree(), "");
        applyMeta(target, rootNode, "");
        progress.update(files, bytes);
        return new Restorer.Result(files, dirs, bytes, List.copyOf(errors));
    }

    private void restoreDir(Path dir, BlobId treeId, String where) {
        Tree tree;
        try {
            tree = readTree(treeId);
        } catch (StreamVaultException e) {
            errors.add((where.isEmpty() ? "." : where) + ": " + e.getMessage());
            return;
        }
        for (Node n : tree.nodes()) {
            String shown = where.isEmpty() ? RawPaths.display(n.name()) : where + "/" + RawPaths.display(n.name());
            try {
                Path p = RawPaths.resolve(dir, n.name());
                restoreNode(p, n, shown);
            } catch (StreamVaultException e) {
                errors.add(shown + ": " + e.getMessage());
            } catch (IOException e) {
                errors.add(shown + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
    }

    private void restoreNode(Path p, Node n, String shown) throws IOException {
        switch (n.type()) {
            case DIR -> {
                FileMeta existing = lstatOrNull(p);
                if (existing != null && existing.kind() != FileKind.DIR) {
                    Files.delete(p);
                    existing = null;
                }
                if (existing == null) {
                    Files.createDirectory(p);
                }
                dirs++;
                restoreDir(p, n.subtree(), shown);
                applyMeta(p, n, shown);
            }
            case FILE -> restoreFile(p, n, shown);
            case SYMLINK -> {
                replace(p);
                Posix.symlink(p, n.linkTarget());
                applyMeta(p, n, shown);
            }
            case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> {
                if (n.type() != FileKind.FIFO && !root) {
                    errors.add(shown + ": device files can only be restored as root");
                    return;
                }
                replace(p);
                Posix.mknod(p, n.type(), n.mode(), n.rdev());
                applyMeta(p, n, shown);
            }
            case SOCKET -> {
                // A socket belongs to the process that listened on it; there is nothing to restore.
            }
            default -> errors.add(shown + ": unknown entry type " + n.type());
        }
    }

    private void restoreFile(Path p, Node n, String shown) throws IOException {
        if (n.nlink() > 1) {
            List<Long> key = List.of(n.dev(), n.inode());
            Path first = hardLinks.get(key);
            if (first != null) {
                replace(p);
                Files.createLink(p, first);
                files++;
                return;
            }
            hardLinks.put(key, p);
        }
        replace(p);
        long written = 0;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            boolean endsInHole = false;
            for (BlobId id : n.content()) {
                byte[] data = vault.readBlob(locate(id, BlobType.DATA));
                endsInHole = writeSparse(ch, data, written);
                written += data.length;
                bytes += data.length;
            }
            if (endsInHole && written > 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), written - 1); // extend to full length, the rest stays a hole
            }
        }
        if (written != n.size() && !n.changedDuringBackup()) {
            errors.add(shown + ": restored " + written + " bytes but the snapshot records " + n.size());
        }
        files++;
        if (files % 256 == 0) {
            progress.update(files, bytes);
        }
        applyMeta(p, n, shown);
    }

    private void applyMeta(Path p, Node n, String shown) {
        try {
            if (n.type() != FileKind.SYMLINK) {
                for (Xattr x : n.xattrs()) {
                    Posix.setXattr(p, x);
                }
            }
            if (root) {
                Posix.chown(p, n.uid(), n.gid());
            }
            if (n.type() != FileKind.SYMLINK) {
                Posix.chmod(p, n.mode());
            }
            Posix.setTimes(p, n.atimeNs(), n.mtimeNs());
        } catch (IOException e) {
            errors.add((shown.isEmpty() ? "." : shown) + ": metadata: " + e.getMessage());
        }
    }

    private BlobLocation locate(BlobId id, BlobType type) {
        return index.find(id, type).orElseThrow(() -> new FatalException(ErrorCode.OBJECT_NOT_FOUND,
                "blob " + id.shortHex() + " is in no index of the vault"));
    }

    private Tree readTree(BlobId id) {
        return vault.decodeTree(vault.readBlob(locate(id, BlobType.TREE)));
    }

    private static void replace(Path p) throws IOException {
        FileMeta m = lstatOrNull(p);
        if (m != null) {
            if (m.kind() == FileKind.DIR) {
                throw new IOException("a directory is in the way");
            }
            Files.delete(p);
        }
    }

    private static FileMeta lstatOrNull(Path p) throws IOException {
        try {
            return Posix.lstat(p);
        } catch (NoSuchFileException e) {
            return null;
        }
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

    static boolean isZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Granularity of holes: the file-system block size of nearly every Linux file system. */
    static final int BLOCK = 4096;
}
