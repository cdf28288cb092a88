package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.Node;
import java.io.IOException;

/** The overwrite policy: what to do where the target already holds an entry of the snapshot's name. */
final class ExistingEntries {
    /** What to do for a non-directory about to be written. */
    enum Action {
        /** Nothing is there: create it under its name. */
        CREATE,
        /** Replace what is there: write under a temporary name, then rename over it. */
        REPLACE,
        /** Leave what is there (skipped or refused, and reported). */
        LEAVE
    }

    private final Overwrite policy;
    private final RestoreProgress progress;

    ExistingEntries(Overwrite policy, RestoreProgress progress) {
        this.policy = policy;
        this.progress = progress;
    }

    /** True when the snapshot's {@code n} replaces an existing entry last modified at {@code existingMtimeNs}. */
    boolean replaces(Node n, long existingMtimeNs) {
        return switch (policy) {
            case NEVER -> false;
            case ALWAYS -> true;
            case IF_NEWER -> n.mtimeNs() > existingMtimeNs;
        };
    }

    /**
     * The action for the non-directory {@code n} in {@code d} (open at {@code fd}). A directory in the
     * way is never replaced: that is reported as an error, an entry the policy keeps as skipped.
     */
    Action actionFor(TargetDir d, DirFd fd, Node n, String shown) throws IOException {
        if (d.created) {
            return Action.CREATE;
        }
        FileMeta ex = fd.lstat(n.name());
        if (ex == null) {
            return Action.CREATE;
        }
        if (ex.kind() == FileKind.DIR) {
            progress.error(shown + ": a directory is in the way");
            return Action.LEAVE;
        }
        if (!replaces(n, ex.mtimeNs())) {
            progress.skipped();
            return Action.LEAVE;
        }
        return Action.REPLACE;
    }
}
