package io.streamvault.vault;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads blobs through an index that may go stale while it is used: garbage collection repacks live
 * blobs into new packs, writes a new index and deletes the old packs (docs/gc.md). A read whose pack
 * is gone reloads the index (when its index objects changed) and reads the blob from its new place,
 * so a restore, a download or a scan never fails because a collection ran meanwhile. A reload skips a
 * damaged index object with a warning naming it ({@link Vault#loadIndex(java.util.function.Consumer)}):
 * only the blobs it alone lists are missing. Thread-safe.
 */
public final class BlobReader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobReader.class);
    /** Reloads tried for one read: a collection deletes the old index before the old packs, so two suffice. */
    private static final int RELOADS = 3;
    private final Vault vault;
    private volatile MasterIndex index;

    public BlobReader(Vault vault, MasterIndex index) {
        this.vault = vault;
        this.index = index;
    }

    public MasterIndex index() {
        return index;
    }

    /** The index, loaded again first when the vault's index objects changed since it was loaded. */
    public MasterIndex fresh() {
        return reloaded(index);
    }

    public Optional<BlobLocation> find(BlobId id, BlobType type) {
        return index.find(id, type);
    }

    /** The blob's plaintext, read from where the index says and, if that pack is gone, from where it is now. */
    public byte[] read(BlobId id, BlobType type) {
        BlobLocation loc = find(id, type).orElseGet(() -> reloaded(index).find(id, type).orElseThrow(() ->
                new FatalException(ErrorCode.OBJECT_NOT_FOUND, type.name().toLowerCase(Locale.ROOT) + " blob "
                        + id.shortHex() + " is in no index of the vault")));
        return read(loc);
    }

    /** {@link #read(BlobId, BlobType)} starting from a location found earlier. */
    public byte[] read(BlobLocation location) {
        BlobLocation loc = location;
        for (int reload = 0;; reload++) {
            MasterIndex seen = index;
            try {
                return vault.readBlob(loc);
            } catch (FatalException e) {
                if (e.code() != ErrorCode.OBJECT_NOT_FOUND || reload == RELOADS) {
                    throw e;
                }
                Optional<BlobLocation> moved = reloaded(seen).find(loc.id(), loc.type());
                if (moved.isEmpty() || moved.get().equals(loc) && index == seen) {
                    throw e;
                }
                loc = moved.get();
            }
        }
    }

    /** Logs a damaged index object that a load skipped; {@code streamvault check} names every damaged object. */
    public static void warnDamaged(StreamVaultException e) {
        LOG.warn("skipping a damaged index object (streamvault check tells more): {}", e.getMessage());
    }

    /** The index, loaded again unless another thread did since {@code seen} or nothing changed. */
    private synchronized MasterIndex reloaded(MasterIndex seen) {
        if (index == seen && !new HashSet<>(vault.listIndex()).equals(new HashSet<>(index.indexObjects()))) {
            index = vault.loadIndex(BlobReader::warnDamaged);
        }
        return index;
    }
}
