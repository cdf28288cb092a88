package io.streamvault.vault;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the vault's tree blobs are, loaded from the index objects incrementally: only index
 * objects not read before are read, and only TREE entries are kept, so the memory grows with the
 * number of directories, not with the number of chunks. Thread-safe.
 */
public final class TreeIndex {
    private final Vault vault;
    private final Set<String> loaded = new HashSet<>();
    private final Map<BlobId, BlobLocation> trees = new HashMap<>();

    public TreeIndex(Vault vault) {
        this.vault = vault;
    }

    /** Reads index objects written since the last refresh. */
    public synchronized void refresh() {
        for (String name : vault.listIndex()) {
            if (loaded.add(name)) {
                vault.readIndex(name, loc -> {
                    if (loc.type() == BlobType.TREE) {
                        trees.putIfAbsent(loc.id(), loc);
                    }
                });
            }
        }
    }

    /** The tree's location, refreshing once if it is not known yet. */
    public synchronized Optional<BlobLocation> find(BlobId id) {
        BlobLocation loc = trees.get(id);
        if (loc == null) {
            refresh();
            loc = trees.get(id);
        }
        return Optional.ofNullable(loc);
    }

    /** True when the tree is known, without refreshing. */
    public synchronized boolean contains(BlobId id) {
        return trees.containsKey(id);
    }

    /** Records trees this process has just written and indexed. */
    public synchronized void add(Iterable<PackEntry> entries, String pack) {
        for (PackEntry e : entries) {
            if (e.type() == BlobType.TREE) {
                trees.putIfAbsent(e.id(), new BlobLocation(e.id(), e.type(), pack, e.offset(), e.length(), e.rawLength()));
            }
        }
    }

    /** Reads and decodes a tree; OBJECT_NOT_FOUND when no index knows it. */
    public Tree read(BlobId id) {
        BlobLocation loc = find(id).orElseThrow(() -> new io.streamvault.common.FatalException(
                io.streamvault.common.ErrorCode.OBJECT_NOT_FOUND, "tree " + id.shortHex() + " is in no index of the vault"));
        return vault.decodeTree(vault.readBlob(loc));
    }

    public synchronized int size() {
        return trees.size();
    }
}
