package io.streamvault.restore.internal;

import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.DirFd;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.Node;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hard links: the first name of a group (same device and inode in the snapshot) is written as a file,
 * every later name is linked to it once all files are written.
 */
final class HardLinks {
    private record Link(FileJob first, TargetDir dir, Node node, String shown) {
    }

    private final ExistingEntries existing;
    private final RestoreProgress progress;
    private final Map<List<Long>, FileJob> firsts = new HashMap<>();
    private final List<Link> links = new ArrayList<>();

    HardLinks(ExistingEntries existing, RestoreProgress progress) {
        this.existing = existing;
        this.progress = progress;
    }

    private static List<Long> key(Node n) {
        return List.of(n.dev(), n.inode());
    }

    /** True (and the link queued) when {@code n} is a later name of a group whose first name is being written. */
    boolean deferred(TargetDir d, Node n, String shown) {
        FileJob first = n.nlink() > 1 ? firsts.get(key(n)) : null;
        if (first == null) {
            return false;
        }
        links.add(new Link(first, d, n, shown));
        progress.addTotal(1, 0);
        return true;
    }

    /** Notes that {@code job} writes {@code n}: the first name of its group, if it has several. */
    void written(Node n, FileJob job) {
        if (n.nlink() > 1) {
            firsts.put(key(n), job);
        }
    }

    /** Makes the queued links (after every file is written). */
    void make() {
        for (Link l : links) {
            if (progress.cancelled()) {
                return;
            }
            if (!l.first().ok()) {
                progress.error(l.shown() + ": not linked: the first name of its hard-link group, " + l.first().shown
                        + ", was not restored");
                continue;
            }
            try {
                link(l);
            } catch (IOException | StreamVaultException e) {
                progress.error(l.shown() + ": " + Reasons.of(e));
            }
        }
    }

    private void link(Link l) throws IOException {
        try (DirFd from = l.first().dir.reopen(); DirFd to = l.dir().reopen()) {
            ExistingEntries.Action action = existing.actionFor(l.dir(), to, l.node(), l.shown());
            if (action == ExistingEntries.Action.LEAVE) {
                return;
            }
            byte[] fromName = l.first().node.name();
            if (action == ExistingEntries.Action.REPLACE) {
                byte[] tmp = TempNames.next();
                to.link(from, fromName, tmp);
                try {
                    to.rename(tmp, l.node().name());
                } catch (IOException e) {
                    TempNames.deleteQuietly(to, tmp);
                    throw e;
                }
            } else {
                to.link(from, fromName, l.node().name());
            }
            progress.fileDone();
        }
    }
}
