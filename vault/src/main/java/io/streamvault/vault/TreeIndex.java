package io.streamvault.vault;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Forgets everything and reads every index object again: after a garbage collection deleted index
     * objects and repacked or deleted trees, the locations known before may point at packs that are gone.
     */
    public synchronized void reload() {
        loaded.clear();
        trees.clear();
        refresh();
    }

    /** The vault whose trees these are. */
    public Vault vault() {
        return vault;
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

    /**
     * Reads and decodes a tree; OBJECT_NOT_FOUND when no index knows it. Decoded trees are kept in
     * a cache that every index of the process shares: trees are immutable and named by their
     * content, and a backup reads the trees of the snapshot before it, which an agent's previous
     * backup of the same path has just read (and its catalog, in the same process, reads them
     * again when sealing). The cache holds at most {@link #CACHE_WEIGHT} nodes and chunk ids.
     * A tree whose pack is gone (garbage collection repacked it) is found again after reloading the index.
     */
    public Tree read(BlobId id) {
        Tree cached = cached(id);
        if (cached != null) {
            return cached;
        }
        BlobLocation loc = find(id).orElseThrow(() -> notIndexed(id));
        byte[] plain;
        try {
            plain = vault.readBlob(loc);
        } catch (FatalException e) {
            if (e.code() != ErrorCode.OBJECT_NOT_FOUND) {
                throw e;
            }
            // its pack is gone: a garbage collection repacked the tree; its new place is in the new index
            reload();
            BlobLocation moved = find(id).orElseThrow(() -> notIndexed(id));
            if (moved.equals(loc)) {
                throw e;
            }
            plain = vault.readBlob(moved);
        }
        return keep(id, vault.decodeTree(plain));
    }

    private static FatalException notIndexed(BlobId id) {
        return new FatalException(ErrorCode.OBJECT_NOT_FOUND, "tree " + id.shortHex() + " is in no index of the vault");
    }

    /**
     * Puts a tree this process has just encoded under {@code id} into the shared cache: the trees
     * of the snapshot being sealed are the next backup's parent trees.
     */
    public static void remember(BlobId id, Tree tree) {
        keep(id, tree);
    }

    /** Most nodes and chunk ids the shared tree cache holds (a few tens of MiB of heap). */
    static final long CACHE_WEIGHT = 400_000;
    private static final LinkedHashMap<BlobId, Tree> CACHE = new LinkedHashMap<>(1024, 0.75f, true);
    private static long cacheWeight;

    private static synchronized Tree cached(BlobId id) {
        return CACHE.get(id);
    }

    /** Caches an unmodifiable copy of {@code tree} (unless too heavy, or cached already) and returns the copy. */
    private static Tree keep(BlobId id, Tree tree) {
        Tree t = new Tree(List.copyOf(tree.nodes()), List.copyOf(tree.parts()));
        long w = weight(t);
        if (w > CACHE_WEIGHT / 8) {
            return t; // a huge directory would push out everything else
        }
        synchronized (TreeIndex.class) {
            if (CACHE.putIfAbsent(id, t) == null) {
                cacheWeight += w;
                var it = CACHE.entrySet().iterator();
                while (cacheWeight > CACHE_WEIGHT && it.hasNext()) {
                    cacheWeight -= weight(it.next().getValue());
                    it.remove();
                }
            }
        }
        return t;
    }

    private static long weight(Tree t) {
        long w = 1 + t.parts().size();
        for (Node n : t.nodes()) {
            w += 1 + (n.content() == null ? 0 : n.content().size());
        }
        return w;
    }

    public synchronized int size() {
        return trees.size();
    }
}
