package io.streamvault.maintenance.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;

/** A blob as the index knows it: the same id may be a data blob and a tree blob. */
record BlobKey(BlobId id, BlobType type) {
}
