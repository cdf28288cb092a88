package io.streamvault.vault;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/** All index objects of a vault merged: blob id to location. */
public interface MasterIndex {
    /**
     * A location of the blob with this id, of either type (DATA first). A DATA and a TREE blob have
     * the same id only when their plaintexts are equal; use {@link #find(BlobId, BlobType)} when the
     * type is known.
     */
    Optional<BlobLocation> find(BlobId id);

    /** A location of the blob with this id and type. */
    default Optional<BlobLocation> find(BlobId id, BlobType type) {
        return find(id).filter(l -> l.type() == type);
    }

    /** Number of distinct blobs. */
    long size();

    /** Every location, including duplicates of the same blob in several packs. */
    void forEach(Consumer<BlobLocation> sink);

    /** Names of the index objects this was loaded from. */
    Collection<String> indexObjects();
}
