package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobReader;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Trees;
import io.streamvault.vault.Vault;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Read access to the vault for the API: snapshots, trees (cached, they are immutable), path lookup,
 * and the index, reloaded when index objects were added since it was loaded (a backup that ran while
 * the server runs) or a pack it names is gone (a garbage collection that ran meanwhile). A damaged
 * index object is skipped with a warning naming it: the server serves what the rest of the vault
 * holds.
 */
public final class Browser {
    private static final int TREE_CACHE = 1024;
    private final Vault vault;
    private final BlobReader reader;
    private final Map<BlobId, Tree> trees = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<BlobId, Tree> e) {
            return size() > TREE_CACHE;
        }
    };

    public Browser(Vault vault) {
        this.vault = vault;
        this.reader = new BlobReader(vault, vault.loadIndex(BlobReader::warnDamaged));
    }

    public Vault vault() {
        return vault;
    }

    /** The index, reloaded first if the vault holds index objects it was not loaded from. */
    public MasterIndex freshIndex() {
        return reader.fresh();
    }

    public BlobLocation locate(BlobId id, BlobType type) {
        return reader.find(id, type).or(() -> freshIndex().find(id, type)).orElseThrow(() -> new FatalException(
                ErrorCode.OBJECT_NOT_FOUND, type.name().toLowerCase() + " blob " + id.shortHex() + " is in no index of the vault"));
    }

    /**
     * A blob's plaintext; when its pack is gone (a garbage collection, here or on another node,
     * repacked it), the index is reloaded and the blob read from its new pack ({@link BlobReader}).
     */
    public byte[] read(BlobLocation loc) {
        return reader.read(loc);
    }

    public List<SnapshotRef> snapshots(Consumer<StreamVaultException> onError) {
        return vault.listSnapshots(onError);
    }

    public SnapshotRef snapshot(String idOrPrefix) {
        return vault.loadSnapshot(vault.resolveSnapshot(idOrPrefix));
    }

    public Tree tree(BlobId id) {
        synchronized (trees) {
            Tree t = trees.get(id);
            if (t != null) {
                return t;
            }
        }
        Tree t = vault.decodeTree(read(locate(id, BlobType.TREE)));
        synchronized (trees) {
            trees.put(id, t);
        }
        return t;
    }

    /** The node at {@code path} (names from the snapshot's root); the root directory's node for an empty path. */
    public Node resolve(SnapshotRef snap, List<byte[]> path) {
        Tree top = tree(snap.snapshot().tree());
        if (top.nodes().size() != 1 || top.nodes().get(0).type() != FileKind.DIR) {
            throw new FatalException(ErrorCode.CORRUPT_OBJECT, "snapshot " + snap.id() + " has a malformed top tree");
        }
        Node n = top.nodes().get(0);
        StringBuilder shown = new StringBuilder();
        for (byte[] name : path) {
            if (shown.length() > 0) {
                shown.append('/');
            }
            shown.append(RawPaths.display(name));
            if (n.type() != FileKind.DIR || n.subtree() == null) {
                throw new FatalException(ErrorCode.PATH_NOT_FOUND, "no entry \"" + shown + "\" in snapshot "
                        + snap.id().substring(0, 8) + ": a parent is not a directory");
            }
            n = find(tree(n.subtree()), name);
            if (n == null) {
                throw new FatalException(ErrorCode.PATH_NOT_FOUND, "no entry \"" + shown + "\" in snapshot "
                        + snap.id().substring(0, 8));
            }
        }
        return n;
    }

    /** Every entry of a directory's tree, the parts of a split tree read as the list is walked. */
    public Iterable<Node> entries(Tree t) {
        return Trees.nodes(t, this::tree);
    }

    Node find(Tree t, byte[] name) {
        if (t.split()) {
            for (Node n : entries(t)) {
                int c = Arrays.compareUnsigned(n.name(), name);
                if (c >= 0) {
                    return c == 0 ? n : null;
                }
            }
            return null;
        }
        List<Node> nodes = t.nodes();
        int lo = 0;
        int hi = nodes.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(nodes.get(mid).name(), name);
            if (c == 0) {
                return nodes.get(mid);
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }
}
