package io.streamvault.maintenance.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything pass one found damaged, each with the key of the problem that reports it: packs broken
 * as a whole, packs holding corrupt blobs, and blobs bad on their own (in no index, unreadable,
 * corrupt).
 */
final class Damage {
    private final LoadedIndex index;
    private final Map<String, String> brokenPacks;
    private final Set<String> packsWithCorruptBlobs;
    private final Map<BlobKey, String> badBlobs = new HashMap<>();

    Damage(LoadedIndex index, Map<String, String> brokenPacks, TreeWalk.Result walk, DataRead.Result data) {
        this.index = index;
        this.brokenPacks = brokenPacks;
        this.packsWithCorruptBlobs = data.packsWithCorruptBlobs();
        badBlobs.putAll(walk.badBlobs());
        badBlobs.putAll(data.corruptBlobs()); // a tree the walk could not read may be corrupt: its pack's problem names it
    }

    boolean any() {
        return !brokenPacks.isEmpty() || !badBlobs.isEmpty() || !packsWithCorruptBlobs.isEmpty();
    }

    /** The key of the problem that reports a blob as lost or damaged, or null when it is sound. */
    String problemOf(BlobId id, BlobType type) {
        BlobKey k = new BlobKey(id, type);
        String own = badBlobs.get(k);
        if (own != null) {
            return own;
        }
        BlobLocation l = index.find(id, type);
        // a pack that is missing or broken as a whole spoils all its blobs; corrupt blobs are in badBlobs
        return l == null ? null : brokenPacks.get(l.pack());
    }

    /** True when the pack is broken as a whole or holds corrupt blobs. */
    boolean touches(String pack) {
        return brokenPacks.containsKey(pack) || packsWithCorruptBlobs.contains(pack);
    }
}
