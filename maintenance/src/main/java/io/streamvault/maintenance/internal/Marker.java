package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Garbage collection's mark: walks the trees of snapshots, each tree once, and marks every tree and
 * data blob they reach. The mark is one bit per entry of the index the run loaded ({@link EntryBits}),
 * so it costs an eighth of a byte per blob. Blobs the loaded index does not record (written since it
 * was loaded, by backups that ran meanwhile) are kept by id in {@link #unindexed}: they live in packs
 * the run never deletes, but an orphan pack holding one must be spared.
 *
 * <p>Trees are read in parallel a batch at a time, breadth first.
 */
public final class Marker {
    private static final int BATCH = 256;
    private final Vault vault;
    private final MasterIndex index;
    private final ReadPool pool;
    private final EntryBits marked;
    private final Set<BlobId> unindexedTrees = new HashSet<>();
    private final Set<BlobId> unindexed = new HashSet<>();
    private final AtomicLong treesRead = new AtomicLong();
    private MasterIndex fresh;

    public Marker(Vault vault, MasterIndex index, ReadPool pool) {
        this.vault = vault;
        this.index = index;
        this.pool = pool;
        this.marked = new EntryBits(index.entryCount());
    }

    public EntryBits marked() {
        return marked;
    }

    /** Data and tree blobs reached that the loaded index does not record. */
    public Set<BlobId> unindexed() {
        return unindexed;
    }

    public long treesRead() {
        return treesRead.get();
    }

    /**
     * Marks everything these top trees reach (skipping what is marked already). A tree that cannot be
     * found or read is VAULT_DAMAGED: nothing can be deleted while part of a snapshot is unknown.
     */
    public void mark(List<BlobId> roots, Runnable progress) {
        List<BlobId> level = new ArrayList<>();
        for (BlobId r : roots) {
            if (markTree(r)) {
                level.add(r);
            }
        }
        while (!level.isEmpty()) {
            List<BlobId> next = new ArrayList<>();
            for (int from = 0; from < level.size(); from += BATCH) {
                List<BlobId> batch = level.subList(from, Math.min(level.size(), from + BATCH));
                for (Tree t : pool.map(batch, this::read)) {
                    for (BlobId part : t.parts()) {
                        if (markTree(part)) {
                            next.add(part);
                        }
                    }
                    for (Node n : t.nodes()) {
                        if (n.content() != null) {
                            for (BlobId c : n.content()) {
                                markData(c);
                            }
                        }
                        if (n.subtree() != null && markTree(n.subtree())) {
                            next.add(n.subtree());
                        }
                    }
                }
                progress.run();
            }
            level = next;
        }
    }

    /** True when the tree was not marked before (so it must be read). */
    private boolean markTree(BlobId id) {
        int e = index.entryOf(id, BlobType.TREE);
        if (e >= 0) {
            return marked.set(e);
        }
        return unindexedTrees.add(id) && unindexed.add(id);
    }

    private void markData(BlobId id) {
        int e = index.entryOf(id, BlobType.DATA);
        if (e >= 0) {
            marked.set(e);
        } else {
            unindexed.add(id);
        }
    }

    private Tree read(BlobId id) {
        BlobLocation loc = locate(id);
        try {
            Tree t = vault.decodeTree(vault.readBlob(loc));
            treesRead.incrementAndGet();
            return t;
        } catch (StreamVaultException e) {
            if (e.retryable()) {
                throw e;
            }
            throw new FatalException(ErrorCode.VAULT_DAMAGED, "tree " + id + " cannot be read (" + e.getMessage()
                    + "); garbage collection deletes nothing while a snapshot cannot be walked: run check", e);
        }
    }

    /** The tree's location in the loaded index, or else in the index as it is now (a tree written since). */
    private BlobLocation locate(BlobId id) {
        Optional<BlobLocation> loc = index.find(id, BlobType.TREE);
        if (loc.isPresent()) {
            return loc.get();
        }
        synchronized (this) {
            if (fresh == null || fresh.find(id, BlobType.TREE).isEmpty()) {
                fresh = vault.loadIndex();
            }
            return fresh.find(id, BlobType.TREE).orElseThrow(() -> new FatalException(ErrorCode.VAULT_DAMAGED,
                    "tree " + id + " is in no index of the vault; garbage collection deletes nothing while a"
                            + " snapshot cannot be walked: run check"));
        }
    }
}
