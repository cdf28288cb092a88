package io.streamvault.maintenance.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Which index entries every snapshot reaches, for statistics and forget's prediction: each distinct
 * tree is read once, and what it holds is kept as entry numbers (its subtrees and parts, its files'
 * chunks, the size of its files), so a walk of one snapshot afterwards reads nothing.
 */
public final class SnapshotGraph {
    /** What one tree holds: its subtrees and parts (tree entries), its files' chunks (data entries). */
    private record Facts(int[] trees, int[] data, long bytes, long files) {
    }

    private final MasterIndex index;
    private final List<SnapshotRef> snapshots;
    private final int[] roots;
    private final Map<Integer, Facts> facts = new HashMap<>();
    private final Map<Integer, long[]> logical = new HashMap<>();

    private SnapshotGraph(MasterIndex index, List<SnapshotRef> snapshots) {
        this.index = index;
        this.snapshots = snapshots;
        this.roots = new int[snapshots.size()];
    }

    /** Reads every tree the snapshots reach; VAULT_DAMAGED when one is missing or unreadable. */
    public static SnapshotGraph load(Vault vault, MasterIndex index, List<SnapshotRef> snapshots, ReadPool pool,
            Runnable progress) {
        SnapshotGraph g = new SnapshotGraph(index, snapshots);
        List<Integer> level = new ArrayList<>();
        for (int i = 0; i < snapshots.size(); i++) {
            int e = g.treeEntry(snapshots.get(i).snapshot().tree());
            g.roots[i] = e;
            if (!g.facts.containsKey(e) && !level.contains(e)) {
                level.add(e);
            }
        }
        while (!level.isEmpty()) {
            List<Integer> next = new ArrayList<>();
            List<Facts> read = pool.map(level, e -> g.read(vault, e));
            for (int i = 0; i < level.size(); i++) {
                g.facts.put(level.get(i), read.get(i));
            }
            for (Facts f : read) {
                for (int t : f.trees()) {
                    next.add(t);
                }
            }
            level = dedupe(next, g);
            progress.run();
        }
        return g;
    }

    private static List<Integer> dedupe(List<Integer> next, SnapshotGraph g) {
        List<Integer> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int t : next) {
            if (!g.facts.containsKey(t) && seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private int treeEntry(BlobId id) {
        int e = index.entryOf(id, BlobType.TREE);
        if (e < 0) {
            throw new FatalException(ErrorCode.VAULT_DAMAGED, "tree " + id + " is in no index of the vault: run check");
        }
        return e;
    }

    private Facts read(Vault vault, int entry) {
        Tree t;
        try {
            t = vault.decodeTree(vault.readBlob(index.location(entry)));
        } catch (StreamVaultException e) {
            if (e.retryable()) {
                throw e;
            }
            throw new FatalException(ErrorCode.VAULT_DAMAGED, "tree " + index.location(entry).id() + " cannot be read: "
                    + e.getMessage() + ": run check", e);
        }
        List<Integer> trees = new ArrayList<>();
        List<Integer> data = new ArrayList<>();
        long bytes = 0;
        long files = 0;
        for (BlobId p : t.parts()) {
            trees.add(treeEntry(p));
        }
        for (Node n : t.nodes()) {
            if (n.subtree() != null) {
                trees.add(treeEntry(n.subtree()));
            }
            if (n.type() == FileKind.FILE) {
                files++;
                bytes += n.size();
            }
            if (n.content() != null) {
                for (BlobId c : n.content()) {
                    int e = index.entryOf(c, BlobType.DATA);
                    if (e < 0) {
                        throw new FatalException(ErrorCode.VAULT_DAMAGED, "chunk " + c + " is in no index of the vault:"
                                + " run check");
                    }
                    data.add(e);
                }
            }
        }
        return new Facts(trees.stream().mapToInt(Integer::intValue).toArray(),
                data.stream().mapToInt(Integer::intValue).toArray(), bytes, files);
    }

    public int size() {
        return snapshots.size();
    }

    public SnapshotRef snapshot(int i) {
        return snapshots.get(i);
    }

    /** Marks, in {@code reached}, every entry snapshot {@code i} reaches; each newly marked one goes to {@code sink}. */
    public void walk(int i, EntryBits reached, IntConsumer sink) {
        List<Integer> stack = new ArrayList<>();
        if (reached.set(roots[i])) {
            sink.accept(roots[i]);
            stack.add(roots[i]);
        }
        while (!stack.isEmpty()) {
            Facts f = facts.get(stack.remove(stack.size() - 1));
            for (int d : f.data()) {
                if (reached.set(d)) {
                    sink.accept(d);
                }
            }
            for (int t : f.trees()) {
                if (reached.set(t)) {
                    sink.accept(t);
                    stack.add(t);
                }
            }
        }
    }

    /** The logical size of snapshot {@code i}: its files' bytes and count, a subtree counted wherever it occurs. */
    public long[] logical(int i) {
        return logicalOf(roots[i]);
    }

    private long[] logicalOf(int tree) {
        long[] known = logical.get(tree);
        if (known != null) {
            return known;
        }
        // iterative post-order, so deep trees do not overflow the stack
        List<Integer> stack = new ArrayList<>(List.of(tree));
        while (!stack.isEmpty()) {
            int t = stack.get(stack.size() - 1);
            if (logical.containsKey(t)) {
                stack.remove(stack.size() - 1);
                continue;
            }
            Facts f = facts.get(t);
            boolean ready = true;
            for (int c : f.trees()) {
                if (!logical.containsKey(c)) {
                    stack.add(c);
                    ready = false;
                }
            }
            if (ready) {
                long bytes = f.bytes();
                long files = f.files();
                for (int c : f.trees()) {
                    long[] l = logical.get(c);
                    bytes += l[0];
                    files += l[1];
                }
                logical.put(t, new long[] {bytes, files});
                stack.remove(stack.size() - 1);
            }
        }
        return logical.get(tree);
    }

    public MasterIndex index() {
        return index;
    }
}
