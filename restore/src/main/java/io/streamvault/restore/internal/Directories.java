package io.streamvault.restore.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.Node;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Creates the snapshot's directories in the target when something is restored in them, each
 * relative to the open descriptor of its parent and entered without following symlinks: a symlink
 * where the snapshot has a directory is refused and reported, never followed.
 */
final class Directories {
    private final ExistingEntries existing;
    private final RestoreProgress progress;

    Directories(ExistingEntries existing, RestoreProgress progress) {
        this.existing = existing;
        this.progress = progress;
    }

    /**
     * Creates (with its parents) or opens the target, the directory the snapshot's root goes to:
     * {@code root} itself when {@code below} is empty, else {@code root} opened once and the names of
     * {@code below} created or entered one by one relative to its descriptor, never through a
     * symlink: a symlink on the way (swapped in after the target was checked) fails the restore with
     * UNSAFE_PATH before anything is written.
     */
    TargetDir openTarget(Node rootNode, Path root, List<byte[]> below) {
        if (below.isEmpty()) {
            return openTarget(rootNode, root);
        }
        String shown = RawPaths.display(root) + "/" + String.join("/", below.stream().map(RawPaths::display).toList());
        DirFd cur = null;
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
            }
            cur = DirFd.open(root);
            Long beforeNs = null;
            for (int i = 0; i < below.size(); i++) {
                byte[] name = below.get(i);
                boolean last = i == below.size() - 1;
                FileMeta m = cur.lstat(name);
                if (m == null) {
                    try {
                        cur.mkdir(name);
                    } catch (FileAlreadyExistsException e) {
                        // made meanwhile: entered below, without following it
                    }
                } else if (m.kind() == FileKind.SYMLINK) {
                    throw symlinkOnTheWay(shown, below, i, root);
                } else if (m.kind() != FileKind.DIR) {
                    throw new FatalException(ErrorCode.IO_ERROR, "cannot create or open the restore target " + shown
                            + ": " + RawPaths.display(name) + " is not a directory");
                } else if (last) {
                    beforeNs = m.mtimeNs();
                }
                DirFd next;
                try {
                    next = cur.openDir(name);
                } catch (DirFd.SymlinkInTheWay e) {
                    throw symlinkOnTheWay(shown, below, i, root);
                } finally {
                    cur.close();
                    cur = null;
                }
                cur = next;
            }
            boolean applyMeta = beforeNs == null || existing.replaces(rootNode, beforeNs);
            TargetDir t = TargetDir.root(rootNode, cur, beforeNs == null, applyMeta);
            cur = null;
            return t;
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot create or open the restore target " + shown + ": "
                    + Reasons.of(e), e);
        } finally {
            if (cur != null) {
                cur.close();
            }
        }
    }

    private static FatalException symlinkOnTheWay(String shown, List<byte[]> below, int i, Path root) {
        String at = RawPaths.display(root) + "/" + String.join("/", below.subList(0, i + 1).stream()
                .map(RawPaths::display).toList());
        return new FatalException(ErrorCode.UNSAFE_PATH, "the restore target " + shown + " is refused: " + at
                + " is a symlink, not a directory; nothing is restored through it (the target must lie under "
                + RawPaths.display(root) + " without symlinks on its way)");
    }

    /** Creates (with its parents) or opens the target, the directory the snapshot's root goes to. */
    private TargetDir openTarget(Node rootNode, Path target) {
        try {
            BasicFileAttributes before = null;
            if (Files.isDirectory(target)) {
                before = Files.readAttributes(target, BasicFileAttributes.class);
            } else {
                Files.createDirectories(target);
            }
            DirFd fd = DirFd.open(target);
            boolean applyMeta = before == null
                    || existing.replaces(rootNode, before.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            return TargetDir.root(rootNode, fd, before == null, applyMeta);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot create or open the restore target "
                    + RawPaths.display(target) + ": " + Reasons.of(e), e);
        }
    }

    /** The directory's descriptor, creating it (and its parents) in the target first; null if it cannot be. */
    DirFd materialize(TargetDir c) {
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
            if (!createOrEnter(c, parent)) {
                c.failed = true;
                return null;
            }
            c.fd = parent.openDir(c.name);
        } catch (DirFd.SymlinkInTheWay e) {
            progress.error(c.shown + ": refused: " + Reasons.of(e) + " (a symlink appeared in the target during the restore)");
            c.failed = true;
            return null;
        } catch (IOException | StreamVaultException e) {
            progress.error(c.shown + ": " + Reasons.of(e));
            c.failed = true;
            return null;
        }
        c.materialized = true;
        c.parent.children.add(c);
        progress.dirDone();
        return c.fd;
    }

    /** Makes the directory, or keeps the one there; false (reported) when what is there stays and is no directory. */
    private boolean createOrEnter(TargetDir c, DirFd parent) throws IOException {
        FileMeta ex = c.parent.created ? null : parent.lstat(c.name);
        if (ex == null) {
            parent.mkdir(c.name);
            c.created = true;
            c.applyMeta = true;
        } else if (ex.kind() == FileKind.DIR) {
            c.applyMeta = existing.replaces(c.node, ex.mtimeNs());
        } else if (ex.kind() == FileKind.SYMLINK) {
            progress.error(c.shown + ": refused: the target holds a symlink where the snapshot has a directory;"
                    + " nothing is restored through it");
            return false;
        } else if (!existing.replaces(c.node, ex.mtimeNs())) {
            progress.skipped();
            return false;
        } else {
            parent.delete(c.name);
            parent.mkdir(c.name);
            c.created = true;
            c.applyMeta = true;
        }
        return true;
    }
}
