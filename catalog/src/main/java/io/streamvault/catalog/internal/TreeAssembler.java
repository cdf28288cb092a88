package io.streamvault.catalog.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Trees;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the Merkle tree of a snapshot from a job's entries, fed in reverse key order (see
 * {@link EntryKey}): each directory's entries arrive after all of its subdirectories' entries, so
 * when a directory's group ends, every subtree it names is already written. Parts of a large file
 * arrive last part first and are joined into one node. Memory holds one directory's nodes (one
 * part of them for a huge directory, which becomes a split tree) and the tree ids not yet claimed
 * by their parent. A directory whose non-directory entries are unchanged since the parent snapshot
 * has, instead of them, one entry with an empty name (the last of its group) naming the parent's
 * tree, from which they are taken.
 */
public final class TreeAssembler {
    private final TreeWriter writer;
    private final Set<BlobId> failedChunks;
    private final Function<BlobId, Tree> parentTrees;
    private final Map<ByteBuffer, BlobId> subtrees = new HashMap<>();
    private byte[] group;
    private List<Node> nodes = new ArrayList<>();
    /** Written parts of the current group when it is split, highest names first. */
    private final List<BlobId> treeParts = new ArrayList<>();
    private boolean splitting;
    private byte[] partName;
    private final List<NodeRecord> parts = new ArrayList<>();
    private BlobId emptyTree;
    /** The parent tree the current group reuses entries of, and its id (null when it reuses none). */
    private Tree reusedTree;
    private BlobId reusedId;
    private long filesChanged;

    /** @param parentTrees reads a tree of the vault (the parent snapshot's trees that directories reuse) */
    public TreeAssembler(TreeWriter writer, Set<BlobId> failedChunks, Function<BlobId, Tree> parentTrees) {
        this.writer = writer;
        this.failedChunks = failedChunks;
        this.parentTrees = parentTrees;
    }

    /** The next entry, in reverse key order. */
    public void accept(EntryKey key, NodeRecord n) {
        if (group == null || !Arrays.equals(group, key.dir())) {
            closeGroup();
            group = key.dir();
        }
        if (key.name().length == 0) {
            reuse(Nodes.reusedTree(n));
            return;
        }
        boolean multiPart = key.part() > 0 || (partName != null && Arrays.equals(partName, key.name()));
        if (n.getType() == NodeType.FILE && multiPart) {
            if (partName == null || !Arrays.equals(partName, key.name())) {
                parts.clear();
                partName = key.name();
            }
            parts.add(n);
            if (key.part() == 0) {
                joinParts();
            }
            return;
        }
        add(key.dir(), n, Nodes.ids(n.getContent()), n.getChangedDuringBackup(), n.getError());
    }

    /**
     * Adds the non-directory entries of a parent snapshot's tree to the current group. The scanner
     * sends this only for a directory of at most {@link Trees#SPLIT_ABOVE} entries whose parent
     * tree is not split, so the group stays one tree; its content is in the vault already.
     */
    private void reuse(BlobId parent) {
        Tree tree = parentTrees.apply(parent);
        reusedTree = tree;
        reusedId = parent;
        if (splitting || !tree.parts().isEmpty()) {
            throw new IllegalStateException("directory " + Arrays.toString(group) + " reuses tree " + parent.shortHex()
                    + " but is split");
        }
        for (Node node : tree.nodes()) {
            if (node.type() != FileKind.DIR) {
                nodes.add(node);
            }
        }
    }

    private void joinParts() {
        Collections.reverse(parts);
        NodeRecord first = parts.get(0);
        List<BlobId> content = new ArrayList<>();
        boolean changed = false;
        String error = null;
        for (var p : parts) {
            content.addAll(Nodes.ids(p.getContent()));
            changed |= p.getChangedDuringBackup();
            error = error == null ? p.getError() : error;
        }
        add(group, first, content, changed, error);
        parts.clear();
        partName = null;
    }

    private void add(byte[] dir, NodeRecord n, List<BlobId> content, boolean changed,
            String error) {
        if (n.getType() == NodeType.FILE && error != null) {
            return; // unreadable: reported in the snapshot's warnings, not stored as an empty file
        }
        BlobId subtree = null;
        if (n.getType() == NodeType.DIR) {
            subtree = subtrees.remove(ByteBuffer.wrap(join(dir, Buffers.of(n.getName()))));
            if (subtree == null) {
                subtree = emptyTree();
            }
        }
        if (n.getType() == NodeType.FILE && !failedChunks.isEmpty()) {
            for (BlobId id : content) {
                if (failedChunks.contains(id)) {
                    // Part of the content could not be stored: record the file as changed, with no content.
                    changed = true;
                    content = List.of();
                    error = "changed during backup: content could not be stored";
                    filesChanged++;
                    break;
                }
            }
        }
        push(Nodes.toVault(n, content, subtree, error, changed));
    }

    /**
     * Adds a node of the current group (nodes arrive highest name first). A group that grows past
     * {@link Trees#SPLIT_ABOVE} becomes a split tree: its nodes go out as parts, each ending (in
     * name order, starting) at a boundary name, so memory holds one part at a time.
     */
    private void push(Node node) {
        nodes.add(node);
        if (splitting) {
            if (Trees.isPartBoundary(node.name()) || nodes.size() >= Trees.MAX_PART) {
                writePart();
            }
        } else if (nodes.size() > Trees.SPLIT_ABOVE) {
            List<Node> buffered = nodes;
            nodes = new ArrayList<>();
            splitting = true;
            for (Node b : buffered) {
                push(b);
            }
        }
    }

    private void writePart() {
        Collections.reverse(nodes);
        treeParts.add(writer.write(new Tree(nodes)));
        nodes = new ArrayList<>();
    }

    private void closeGroup() {
        if (partName != null) {
            throw new IllegalStateException("parts of a file are missing: " + Arrays.toString(partName));
        }
        if (group == null) {
            return;
        }
        BlobId id;
        if (splitting) {
            if (!nodes.isEmpty()) {
                writePart();
            }
            List<BlobId> ascending = new ArrayList<>(treeParts);
            Collections.reverse(ascending);
            id = writer.write(new Tree(List.of(), ascending));
            treeParts.clear();
            splitting = false;
        } else {
            nodes.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
            Tree tree = new Tree(nodes);
            // Unchanged since the parent snapshot (its subdirectories too): that tree, not written again.
            id = tree.equals(reusedTree) ? reusedId : writer.write(tree);
        }
        reusedTree = null;
        reusedId = null;
        subtrees.put(ByteBuffer.wrap(group), id);
        nodes = new ArrayList<>();
        group = null;
    }

    /**
     * Ends the walk and writes the top tree: one node for the backed-up directory itself (its
     * metadata), whose subtree holds its contents. Returns the top tree's id.
     */
    public BlobId finish(NodeRecord root) {
        closeGroup();
        BlobId contents = subtrees.remove(ByteBuffer.wrap(new byte[0]));
        if (contents == null) {
            contents = emptyTree();
        }
        Node top = Nodes.toVault(root, List.of(), contents, root.getError(), false);
        return writer.write(new Tree(List.of(top)));
    }

    /** Files whose content was dropped because a chunk of theirs could not be stored. */
    public long filesChanged() {
        return filesChanged;
    }

    private BlobId emptyTree() {
        if (emptyTree == null) {
            emptyTree = writer.write(new Tree(List.of()));
        }
        return emptyTree;
    }

    static byte[] join(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '/';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }
}
