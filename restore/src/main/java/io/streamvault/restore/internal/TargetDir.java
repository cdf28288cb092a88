package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.Node;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of the snapshot on its way to the target. Its fields are used by the walking thread
 * only, except {@link #fd}, which stays open while files in it are being written (counted by
 * {@link #acquire} and {@link #release}).
 */
final class TargetDir {
    final TargetDir parent;
    final byte[] name;
    final Node node;
    /** Its path relative to the target, for messages; "." for the target itself. */
    final String shown;
    /** The subdirectories that were created or entered, for the metadata pass. */
    final List<TargetDir> children = new ArrayList<>();
    DirFd fd;
    boolean materialized;
    /** Created by this restore: nothing in it can be in the way. */
    boolean created;
    /** It could not be created or entered: nothing is restored in it. */
    boolean failed;
    boolean applyMeta;
    private int refs = 1; // the walk's own

    TargetDir(TargetDir parent, byte[] name, Node node, String shown) {
        this.parent = parent;
        this.name = name;
        this.node = node;
        this.shown = shown;
    }

    /** The target itself, open at {@code fd}. */
    static TargetDir root(Node node, DirFd fd, boolean created, boolean applyMeta) {
        TargetDir d = new TargetDir(null, new byte[0], node, ".");
        d.fd = fd;
        d.created = created;
        d.applyMeta = applyMeta;
        d.materialized = true;
        return d;
    }

    /** A subdirectory, not yet created or entered. */
    TargetDir child(Node n) {
        return new TargetDir(this, n.name(), n, shown(n.name()));
    }

    /** The relative path of an entry in this directory, for messages. */
    String shown(byte[] childName) {
        return parent == null ? RawPaths.display(childName) : shown + "/" + RawPaths.display(childName);
    }

    synchronized void acquire() {
        refs++;
    }

    /** Drops one use; the last closes the descriptor (the target's own is closed by the restore). */
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

    /** A new descriptor of this materialized directory, opened from the target down without following symlinks. */
    DirFd reopen() throws IOException {
        List<TargetDir> chain = new ArrayList<>();
        TargetDir top = this;
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
}
