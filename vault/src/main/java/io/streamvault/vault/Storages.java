package io.streamvault.vault;

import io.streamvault.vault.internal.StorageFactory;
import java.util.function.Function;

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

    /**
     * As {@link #open(String)}, with the Azure variables ({@code AZURE_STORAGE_CONNECTION_STRING}, ...)
     * read through {@code env} instead of the process's environment: the credentials of a copy's
     * target, independent of the source's.
     */
    public static Storage open(String uri, Function<String, String> env) {
        return StorageFactory.open(uri, env);
    }
}
