package io.streamvault.vault;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/** All index objects of a vault merged: blob id to location. */
public interface MasterIndex {
    Optional<BlobLocation> find(BlobId id);

    /** Number of distinct blobs. */
    long size();

    /** Every location, including duplicates of the same blob in several packs. */
    void forEach(Consumer<BlobLocation> sink);

    /** Names of the index objects this was loaded from. */
    Collection<String> indexObjects();
}
