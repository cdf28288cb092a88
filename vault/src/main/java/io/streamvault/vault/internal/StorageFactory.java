package io.streamvault.vault.internal;

import io.streamvault.vault.Storage;

/** Placeholder: the implementation is being written. */
public final class StorageFactory {
    private StorageFactory() {
    }

    public static Storage open(String uri) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
