package io.streamvault.maintenance.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pass two, run only when pass one found damage: walks again the trees that may reach it (pruned with
 * what pass one learnt of each tree) and adds to each problem the snapshots and paths it affects.
 */
final class AffectedPaths {

    /** A damaged thing at a path below a tree, and the key of the problem that reports it. */
    private record Hit(String path, String key) {
    }

    private final Vault vault;
    private final LoadedIndex index;
    private final Map<BlobId, TreeWalk.TreeFacts> trees;
    private final Damage damage;
    private final Problems problems;
    private final CheckProgress progress;
    private final Map<BlobId, Boolean> dirty = new HashMap<>();
    private final Map<BlobId, List<Hit>> hits = new HashMap<>();

    AffectedPaths(Vault vault, LoadedIndex index, Map<BlobId, TreeWalk.TreeFacts> trees, Damage damage,
            Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.index = index;
        this.trees = trees;
        this.damage = damage;
        this.problems = problems;
        this.progress = progress;
    }

    void run(List<SnapshotRef> snapshots) {
        long done = 0;
        for (SnapshotRef s : snapshots) {
            progress.update("finding affected files", ++done, snapshots.size());
            BlobId top = s.snapshot().tree();
            if (!mayBeDirty(top)) {
                continue;
            }
            String shortId = s.id().substring(0, 8);
            for (Hit h : hits(top)) {
                // the top tree holds one directory node named after the backed-up directory: strip it
                String p = h.path();
                int slash = p.indexOf('/');
                String rel = slash < 0 || slash == p.length() - 1 ? "(the whole snapshot)" : p.substring(slash + 1);
                problems.affects(h.key(), shortId, rel);
            }
        }
    }

    /** False when nothing damaged can be reached from the tree, as far as pass one can tell. */
    private boolean mayBeDirty(BlobId tree) {
        Boolean known = dirty.get(tree);
        if (known != null) {
            return known;
        }
        dirty.put(tree, false); // a cycle (impossible with content ids) must not loop
        boolean d = damage.problemOf(tree, BlobType.TREE) != null;
        TreeWalk.TreeFacts f = trees.get(tree);
        if (!d && f != null) {
            d = f.missingData();
            for (String p : f.packs()) {
                d |= damage.touches(p);
            }
            for (BlobId s : f.subtrees()) {
                d |= mayBeDirty(s);
            }
        }
        dirty.put(tree, d);
        return d;
    }

    /** Damaged things reachable from a tree, as paths relative to it ("" for the tree itself). */
    private List<Hit> hits(BlobId tree) {
        List<Hit> cached = hits.get(tree);
        if (cached != null) {
            return cached;
        }
        List<Hit> out = new ArrayList<>();
        String own = damage.problemOf(tree, BlobType.TREE);
        if (own != null) {
            out.add(new Hit("", own));
        } else {
            Outcome<Tree> read = Outcome.of(() -> vault.decodeTree(vault.readBlob(index.find(tree, BlobType.TREE))));
            if (read.ok()) {
                out.addAll(entryHits(read.value()));
            } else {
                out.add(new Hit("", problems.add("tree:" + tree.hex(), Severity.ERROR, "tree", "tree " + tree.hex(),
                        "tree " + tree.hex() + " cannot be read: " + read.damage().getMessage())));
            }
        }
        hits.put(tree, out);
        return out;
    }

    /** Damaged things reachable from the entries of a tree that could be read. */
    private List<Hit> entryHits(Tree t) {
        List<Hit> out = new ArrayList<>();
        for (BlobId part : t.parts()) { // entries of a split tree are in the same directory
            if (mayBeDirty(part)) {
                out.addAll(hits(part));
            }
        }
        for (Node node : t.nodes()) {
            String name = RawPaths.display(node.name());
            Set<String> keys = new LinkedHashSet<>();
            for (BlobId c : node.content()) {
                String k = damage.problemOf(c, BlobType.DATA);
                if (k != null) {
                    keys.add(k);
                }
            }
            for (String k : keys) {
                out.add(new Hit(name, k));
            }
            if (node.type() == FileKind.DIR && node.subtree() != null && mayBeDirty(node.subtree())) {
                for (Hit h : hits(node.subtree())) {
                    out.add(new Hit(h.path().isEmpty() ? name + "/" : name + "/" + h.path(), h.key()));
                }
            }
        }
        return out;
    }
}
