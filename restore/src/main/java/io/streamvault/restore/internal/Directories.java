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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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

    /** Creates (with its parents) or opens the target, the directory the snapshot's root goes to. */
    TargetDir openTarget(Node rootNode, Path target) {
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
