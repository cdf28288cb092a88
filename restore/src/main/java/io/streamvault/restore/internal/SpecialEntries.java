package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.FileKind;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.Node;
import java.io.IOException;

/** Restores symlinks, FIFOs and device files (devices only as root), on the walking thread. */
final class SpecialEntries {
    private final ExistingEntries existing;
    private final Metadata metadata;
    private final RestoreProgress progress;

    SpecialEntries(ExistingEntries existing, Metadata metadata, RestoreProgress progress) {
        this.existing = existing;
        this.metadata = metadata;
        this.progress = progress;
    }

    /** Makes {@code n} in {@code d}, open at {@code fd}, with its metadata. */
    void restore(TargetDir d, DirFd fd, Node n, String shown) throws IOException {
        if ((n.type() == FileKind.CHAR_DEVICE || n.type() == FileKind.BLOCK_DEVICE) && !metadata.root()) {
            progress.error(shown + ": device files can only be restored as root");
            return;
        }
        ExistingEntries.Action action = existing.actionFor(d, fd, n, shown);
        if (action == ExistingEntries.Action.LEAVE) {
            return;
        }
        byte[] name = action == ExistingEntries.Action.REPLACE ? TempNames.next() : n.name();
        if (n.type() == FileKind.SYMLINK) {
            fd.symlink(name, n.linkTarget());
        } else {
            fd.mknod(name, n.type(), n.mode(), n.rdev());
        }
        try {
            fd.setMetaAt(name, n.type(), metadata.of(n));
        } catch (IOException e) {
            progress.error(shown + ": metadata: " + Reasons.of(e));
        }
        if (action == ExistingEntries.Action.REPLACE) {
            try {
                fd.rename(name, n.name());
            } catch (IOException e) {
                TempNames.deleteQuietly(fd, name);
                throw e;
            }
        }
    }
}
