package io.streamvault.launcher.internal;

import io.streamvault.common.StreamVaultException;
import io.streamvault.maintenance.Immutability;
import io.streamvault.vault.Vault;
import java.util.function.Consumer;

/**
 * After a backup: asks the storage service to hold what the new snapshot needs when it is locked and
 * the service can (docs/lock.md). A failure here loses nothing (the snapshot is sealed, the vault's
 * own lock holds it): it is reported, and {@code streamvault lock sync} asks again.
 */
public final class ServiceHold {
    private ServiceHold() {
    }

    public static void afterBackup(Vault vault, String snapshot, Consumer<String> warn) {
        if (snapshot == null || snapshot.isEmpty()) {
            return;
        }
        try {
            Immutability.syncOne(vault, snapshot, 4);
        } catch (StreamVaultException e) {
            warn.accept("snapshot " + snapshot + " is saved and locked, but the storage service was not asked to hold"
                    + " it: " + e.getMessage() + " [" + e.code().id() + "]; run streamvault lock sync");
        }
    }
}
