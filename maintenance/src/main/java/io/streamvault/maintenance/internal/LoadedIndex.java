package io.streamvault.maintenance.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import java.util.List;
import java.util.Map;

/**
 * What the readable index objects record.
 *
 * @param objects how many index objects there are (readable or not)
 * @param blobs where each blob is (the first index object to record it wins)
 * @param packs every pack some index object records, sorted by id, with its blobs sorted by offset
 */
record LoadedIndex(long objects, Map<BlobKey, BlobLocation> blobs, Map<String, List<BlobLocation>> packs) {

    /** Where the index says the blob is, or null when no index records it. */
    BlobLocation find(BlobId id, BlobType type) {
        return blobs.get(new BlobKey(id, type));
    }
}
