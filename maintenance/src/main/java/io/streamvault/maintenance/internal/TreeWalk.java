package io.streamvault.maintenance.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks every tree of every snapshot once (shared subtrees once), level by level, reading each level
 * in parallel: every tree must be in the index and decodable, every data blob its files reference in
 * the index. Trees in a pack that is broken as a whole are not read (that pack's problem names them).
 */
final class TreeWalk {

    /** What the walk keeps of a tree: its subtrees and the packs of its file data, to prune pass two. */
    record TreeFacts(List<BlobId> subtrees, Set<String> packs, boolean missingData) {
        static final TreeFacts UNREAD = new TreeFacts(List.of(), Set.of(), false);
    }

    /**
     * @param trees every tree reached, read or not
     * @param dataBlobs how many distinct data blobs the trees reference
     * @param badBlobs the trees that cannot be read and the blobs in no index, each with the key of its
     *     problem
     */
    record Result(Map<BlobId, TreeFacts> trees, long dataBlobs, Map<BlobKey, String> badBlobs) {
    }

    private final Vault vault;
    private final ReadPool pool;
    private final Problems problems;
    private final CheckProgress progress;
    /** How many trees are read (and held, decoded) at once: a level may hold every directory of a snapshot. */
    static final int SLICE = 256;
    private final Map<BlobId, TreeFacts> trees = new HashMap<>();
    /** The data blobs referenced, by index entry; those in no index are in {@link #badBlobs}. */
    private EntryBits dataBlobs;
    private final Map<BlobKey, String> badBlobs = new HashMap<>();

    TreeWalk(Vault vault, ReadPool pool, Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.pool = pool;
        this.problems = problems;
        this.progress = progress;
    }

    /** @param brokenPacks packs broken as a whole, with the keys of their problems (not read) */
    Result run(List<SnapshotRef> snapshots, LoadedIndex index, Map<String, String> brokenPacks) {
        dataBlobs = new EntryBits(index.entryCount());
        List<BlobId> level = new ArrayList<>();
        Set<BlobId> queued = new HashSet<>();
        for (SnapshotRef s : snapshots) {
            if (queued.add(s.snapshot().tree())) {
                level.add(s.snapshot().tree());
            }
        }
        long done = 0;
        while (!level.isEmpty()) {
            List<BlobId> current = level;
            level = new ArrayList<>();
            for (int from = 0; from < current.size(); from += SLICE) {
                List<BlobId> slice = current.subList(from, Math.min(current.size(), from + SLICE));
                Map<BlobId, Tree> read = read(slice, index, brokenPacks);
                for (int i = 0; i < slice.size(); i++) {
                    BlobId id = slice.get(i);
                    progress.update("trees", ++done, done + level.size() + (current.size() - from - i - 1));
                    Tree tree = read.get(id);
                    trees.put(id, tree == null ? TreeFacts.UNREAD : facts(tree, index, queued, level));
                }
            }
        }
        long missing = badBlobs.keySet().stream().filter(k -> k.type() == BlobType.DATA).count();
        return new Result(Collections.unmodifiableMap(trees), dataBlobs.count() + missing,
                Collections.unmodifiableMap(badBlobs));
    }

    /**
     * Reads one level of trees: those that can be read. The others are in no index or unreadable
     * (both reported here), or in a broken pack.
     */
    private Map<BlobId, Tree> read(List<BlobId> ids, LoadedIndex index, Map<String, String> brokenPacks) {
        List<BlobLocation> toRead = new ArrayList<>();
        for (BlobId id : ids) {
            BlobLocation l = index.find(id, BlobType.TREE);
            if (l == null) {
                badTree(id, problems.add("blob:" + id.hex(), Severity.ERROR, "tree", "tree " + id.hex(),
                        "tree " + id.hex() + " is in no index: the directory it lists is lost"));
            } else if (!brokenPacks.containsKey(l.pack())) {
                toRead.add(l);
            }
        }
        List<Outcome<Tree>> outcomes = pool.map(toRead, l -> Outcome.of(() -> {
            byte[] plain = vault.readBlob(l);
            progress.read(l.length());
            return vault.decodeTree(plain);
        }));
        Map<BlobId, Tree> decoded = new HashMap<>();
        for (int i = 0; i < toRead.size(); i++) {
            BlobLocation l = toRead.get(i);
            Outcome<Tree> o = outcomes.get(i);
            if (o.ok()) {
                decoded.put(l.id(), o.value());
            } else {
                badTree(l.id(), problems.add("tree:" + l.id().hex(), Severity.ERROR, "tree", "tree " + l.id().hex(),
                        "tree " + l.id().hex() + " in pack " + l.pack() + " cannot be read: " + o.damage().getMessage()));
            }
        }
        return decoded;
    }

    private void badTree(BlobId tree, String problemKey) {
        badBlobs.put(new BlobKey(tree, BlobType.TREE), problemKey);
    }

    /** Queues the unseen subtrees of {@code tree} on {@code next}, and reports file data in no index. */
    private TreeFacts facts(Tree tree, LoadedIndex index, Set<BlobId> queued, List<BlobId> next) {
        List<BlobId> subtrees = new ArrayList<>();
        Set<String> packs = new HashSet<>();
        boolean missing = false;
        for (BlobId part : tree.parts()) { // a split tree: its parts are checked as trees of their own
            subtrees.add(part);
            if (queued.add(part)) {
                next.add(part);
            }
        }
        for (Node node : tree.nodes()) {
            if (node.type() == FileKind.DIR && node.subtree() != null) {
                subtrees.add(node.subtree());
                if (queued.add(node.subtree())) {
                    next.add(node.subtree());
                }
            }
            for (BlobId c : node.content()) {
                int entry = index.entryOf(c, BlobType.DATA);
                if (entry < 0) {
                    missing = true;
                    badBlobs.computeIfAbsent(new BlobKey(c, BlobType.DATA), k -> problems.add("blob:" + c.hex(),
                            Severity.ERROR, "blob", "blob " + c.hex(), "data blob " + c.hex()
                                    + " is in no index: its content is lost"));
                } else {
                    dataBlobs.set(entry);
                    packs.add(index.packOf(entry));
                }
            }
        }
        return new TreeFacts(subtrees, packs, missing);
    }
}
