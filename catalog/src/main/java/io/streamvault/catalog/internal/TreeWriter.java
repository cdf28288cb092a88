package io.streamvault.catalog.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Tree;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes tree blobs into packs, skipping trees the vault already holds (an unchanged directory
 * has the same tree, so the same id). {@link #finish} writes the last pack and one index object
 * for all of them: trees are durable and indexed before any snapshot may name them.
 */
public final class TreeWriter {
    private final Vault vault;
    private final TreeIndex known;
    private final boolean strict;
    private final Set<BlobId> written = new HashSet<>();
    private final ChunkHasher hasher;
    private final long packTarget;
    private final List<PackInfo> packs = new ArrayList<>();
    private PackBuilder pack;
    private long bytesWritten;
    private long treesWritten;

    /**
     * @param strict write every tree this seal needs, even one the vault already holds: while a
     *     garbage collection runs, a tree found in the index may be one it is about to delete
     */
    public TreeWriter(Vault vault, TreeIndex known, long packTarget, boolean strict) {
        this.vault = vault;
        this.known = known;
        this.strict = strict;
        this.hasher = vault.newHasher();
        this.packTarget = packTarget;
        this.pack = vault.newPack();
    }

    public BlobId write(Tree tree) {
        byte[] plain = vault.encodeTree(tree);
        BlobId id = hasher.id(plain, 0, plain.length);
        TreeIndex.remember(id, tree);
        if ((strict || !known.contains(id)) && written.add(id)) {
            pack.add(BlobType.TREE, id, plain, 0, plain.length);
            treesWritten++;
            if (pack.size() >= packTarget) {
                flushPack();
            }
        }
        return id;
    }

    private void flushPack() {
        if (pack.count() == 0) {
            return;
        }
        PackInfo info = vault.writePack(pack);
        packs.add(info);
        bytesWritten += info.size();
        pack = vault.newPack();
    }

    /** Writes what is pending and the index of every pack written; returns bytes added to the vault. */
    public long finish() {
        flushPack();
        if (!packs.isEmpty()) {
            vault.writeIndex(packs);
            for (PackInfo p : packs) {
                known.add(p.entries(), p.id());
            }
        }
        return bytesWritten;
    }

    public long treesWritten() {
        return treesWritten;
    }
}
