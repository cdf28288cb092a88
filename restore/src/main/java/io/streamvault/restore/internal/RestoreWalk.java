package io.streamvault.restore.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.DirFd;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.restore.FilePlan;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobReader;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Trees;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One restore. The calling thread walks the snapshot's trees depth first, decides what is selected
 * ({@link Selection}), creates directories ({@link Directories}), symlinks and special files
 * ({@link SpecialEntries}), and hands regular files to the workers ({@link FileScheduler},
 * {@link FileWriter}). Hard links are made once every file is written ({@link HardLinks}), then
 * directories get their metadata deepest first, the target last ({@link Metadata}).
 *
 * <p>Confinement: every entry is created relative to an open descriptor of its directory
 * ({@link DirFd}), directories are entered only with O_NOFOLLOW, names are checked again here
 * (the tree decoder refuses hostile names first), and a symlink found where the snapshot has a
 * directory is refused and reported, never followed. Replaced entries are written under a temporary
 * name and renamed over the old one ({@link ExistingEntries}), so a failed replacement leaves the
 * old entry in place.
 */
public final class RestoreWalk {
    private final Vault vault;
    private final BlobReader reader;
    private final Selection selection;
    private final int workers;
    private final RestoreProgress progress;
    private final ExistingEntries existing;
    private final Directories directories;
    private final Metadata metadata;
    private final SpecialEntries specials;
    private final HardLinks links;
    private final FileWriter writer;
    private FileScheduler files;

    public RestoreWalk(Vault vault, BlobReader reader, RestoreOptions options, RestoreProgress progress) {
        this.vault = vault;
        this.reader = reader;
        this.selection = new Selection(options);
        this.workers = options.workers();
        this.progress = progress;
        this.existing = new ExistingEntries(options.overwrite(), progress);
        this.directories = new Directories(existing, progress);
        this.metadata = new Metadata(progress);
        this.specials = new SpecialEntries(existing, metadata, progress);
        this.links = new HardLinks(existing, progress);
        this.writer = new FileWriter(reader, metadata, progress);
    }

    /**
     * Restores the tree {@code topTree} into {@code root}, or into the directory {@code below} names
     * under it, reached from {@code root}'s descriptor without following symlinks (see
     * {@link Directories#openTarget(Node, Path, List)}).
     */
    public void run(BlobId topTree, Path root, List<byte[]> below) {
        Tree top = readTree(topTree);
        if (top.nodes().size() != 1 || top.nodes().get(0).type() != FileKind.DIR) {
            throw new FatalException(ErrorCode.CORRUPT_OBJECT,
                    "snapshot tree " + topTree.shortHex() + " does not hold exactly one directory");
        }
        Node rootNode = top.nodes().get(0);
        TargetDir target = directories.openTarget(rootNode, root, below);
        files = new FileScheduler(workers, writer, progress);
        try {
            try {
                if (rootNode.subtree() != null) {
                    walk(target, rootNode.subtree(), new ArrayList<>(), false);
                }
            } finally {
                files.flush();
                progress.walkDone();
                files.awaitAll();
            }
            if (!progress.cancelled()) {
                links.make();
            }
            metadata.applyToDirectories(target, target.fd);
        } finally {
            target.fd.close();
        }
    }

    private void walk(TargetDir d, BlobId treeId, List<byte[]> path, boolean included) {
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
            String shown = d.shown(n.name());
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
                    restore(d, n, shown, path, dec);
                }
            } catch (StreamVaultException e) {
                progress.error(shown + ": " + e.getMessage());
            } catch (IOException e) {
                progress.error(shown + ": " + Reasons.of(e));
            } finally {
                path.remove(path.size() - 1);
            }
        }
    }

    private void restore(TargetDir d, Node n, String shown, List<byte[]> path, Selection.Decision dec)
            throws IOException {
        switch (n.type()) {
            case DIR -> restoreDir(d.child(n), path, dec);
            case FILE -> restoreFile(d, n, shown);
            case SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE -> {
                DirFd fd = directories.materialize(d);
                if (fd != null) {
                    specials.restore(d, fd, n, shown);
                }
            }
            case SOCKET -> {
                // A socket belongs to the process that listened on it; there is nothing to restore.
            }
            default -> progress.error(shown + ": unknown entry type " + n.type());
        }
    }

    /** A selected directory is created even if empty; one the walk only descends into, when something in it is. */
    private void restoreDir(TargetDir c, List<byte[]> path, Selection.Decision dec) {
        try {
            if (dec == Selection.Decision.SELECT && directories.materialize(c) == null) {
                return;
            }
            if (c.node.subtree() != null) {
                walk(c, c.node.subtree(), path, dec == Selection.Decision.SELECT);
            }
        } finally {
            c.release();
        }
    }

    private void restoreFile(TargetDir d, Node n, String shown) throws IOException {
        DirFd fd = directories.materialize(d);
        if (fd == null || links.deferred(d, n, shown)) {
            return;
        }
        ExistingEntries.Action action = existing.actionFor(d, fd, n, shown);
        if (action == ExistingEntries.Action.LEAVE) {
            return;
        }
        FilePlan plan = FilePlan.of(n, id -> reader.find(id, BlobType.DATA).orElse(null));
        FileJob job = new FileJob(d, n, shown, action == ExistingEntries.Action.REPLACE, plan);
        links.written(n, job);
        progress.addTotal(1, plan.size());
        files.add(job);
    }

    private Tree readTree(BlobId id) {
        return vault.decodeTree(reader.read(id, BlobType.TREE));
    }
}
