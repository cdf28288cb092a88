package io.streamvault.vault.internal;

import io.streamvault.vault.Storage;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;

/** Placeholder: the implementation is being written. */
public final class VaultImpl {
    private VaultImpl() {
    }

    public static boolean exists(Storage storage) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static Vault init(Storage storage, char[] password, VaultOptions options) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static Vault open(Storage storage, char[] password) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
