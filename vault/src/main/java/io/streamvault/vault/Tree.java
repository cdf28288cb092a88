package io.streamvault.vault;

import java.util.List;

/** A directory's entries, sorted by name bytes (unsigned). Stored as a TREE blob. */
public record Tree(List<Node> nodes) {
}
