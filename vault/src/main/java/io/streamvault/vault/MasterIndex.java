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

    /** Number of entries: a blob recorded in several packs has an entry per pack. */
    int entryCount();

    /**
     * The number of the entry {@link #find(BlobId, BlobType)} returns, or -1 when the blob is not
     * recorded. Entries are numbered from 0 to {@link #entryCount()} - 1, so a caller can keep a bit
     * or a counter per entry in an array (garbage collection's mark, statistics).
     */
    int entryOf(BlobId id, BlobType type);

    /** The location entry {@code entry} records. */
    BlobLocation location(int entry);

    /** Number of distinct packs the entries name; packs are numbered from 0 (see {@link #packOf}). */
    int packCount();

    /** The number of the pack entry {@code entry} is in (0 to {@link #packCount()} - 1). */
    int packOf(int entry);

    /** The id of pack number {@code pack}. */
    String packId(int pack);

    /** Entry {@code entry}'s type, offset, stored and raw length, without making a location object. */
    BlobType typeOf(int entry);

    long offsetOf(int entry);

    int lengthOf(int entry);

    /** Names of the index objects this was loaded from. */
    Collection<String> indexObjects();
}
