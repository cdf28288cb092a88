package io.streamvault.vault;

import java.util.List;

/**
 * A directory's entries, sorted by name bytes (unsigned). Stored as a TREE blob.
 *
 * <p>A large directory is stored as a split tree: {@code nodes} is empty and {@code parts} names
 * the tree blobs that hold its entries, in name order, each part a plain tree (no parts of its
 * own). Part boundaries depend on the names only (see {@link Trees#isPartBoundary}), so a change
 * in a huge directory rewrites one part, not the directory. Read entries with
 * {@link Trees#nodes}, which expands the parts.
 */
public record Tree(List<Node> nodes, List<BlobId> parts) {
    public Tree {
        nodes = nodes == null ? List.of() : nodes;
        parts = parts == null ? List.of() : parts;
    }

    public Tree(List<Node> nodes) {
        this(nodes, List.of());
    }

    public boolean split() {
        return !parts.isEmpty();
    }
}
