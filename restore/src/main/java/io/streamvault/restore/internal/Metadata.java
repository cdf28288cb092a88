package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.Posix;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.Node;
import java.io.IOException;

/**
 * Owner, mode, extended attributes and times of restored entries. Files and special entries get
 * theirs as soon as they are written; directories get theirs in a last pass, deepest first, so that
 * writing inside a directory does not change its times afterwards. Owners are set only as root.
 */
final class Metadata {
    private final boolean root = Posix.isRoot();
    private final RestoreProgress progress;

    Metadata(RestoreProgress progress) {
        this.progress = progress;
    }

    /** True when this process runs as root (may set owners and make device files). */
    boolean root() {
        return root;
    }

    /** What is applied for {@code n}. */
    DirFd.Meta of(Node n) {
        return new DirFd.Meta(n.mode(), n.uid(), n.gid(), root, n.atimeNs(), n.mtimeNs(), n.xattrs());
    }

    /** The metadata of {@code d} (open at {@code fd}) and of every directory created or entered below it, deepest first. */
    void applyToDirectories(TargetDir d, DirFd fd) {
        for (TargetDir c : d.children) {
            try (DirFd cfd = fd.openDir(c.name)) {
                applyToDirectories(c, cfd);
            } catch (IOException e) {
                progress.error(c.shown + ": metadata: " + Reasons.of(e));
            }
        }
        if (d.applyMeta) {
            try {
                fd.setMeta(of(d.node));
            } catch (IOException e) {
                progress.error(d.shown + ": metadata: " + Reasons.of(e));
            }
        }
    }
}
