package io.streamvault.vault;

import java.util.List;

/**
 * What a vault holds of one kind: its objects, sorted by id, and the names under the kind's prefix
 * that are not of its form (left by other tools or planted: never read, reported by {@code check}).
 */
public record VaultListing(List<VaultObject> objects, List<String> foreign) {
    public VaultListing {
        objects = List.copyOf(objects);
        foreign = List.copyOf(foreign);
    }

    /** The bytes of all the objects. */
    public long bytes() {
        long n = 0;
        for (VaultObject o : objects) {
            n += o.size();
        }
        return n;
    }
}
