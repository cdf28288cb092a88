package io.streamvault.vault;

import io.streamvault.vault.internal.StorageFactory;

/** Opens the storage a vault URI names. */
public final class Storages {
    private Storages() {
    }

    /**
     * {@code file:///abs/path} or a plain path: a local directory (created on first write).
     * {@code azure://CONTAINER[/PREFIX]}: Azure Blob Storage, credentials from the environment
     * ({@link io.streamvault.vault.internal.AzureStorageFactory}; the container is created on first write).
     * Any other scheme fails with INVALID_ARGUMENT naming the supported ones.
     */
    public static Storage open(String uri) {
        return StorageFactory.open(uri);
    }
}
