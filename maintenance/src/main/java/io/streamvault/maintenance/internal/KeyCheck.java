package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;

/**
 * Every key object must read back whole (its SHA-256 is its name): a damaged one no longer opens the
 * vault with its password, though the vault opened with another key. Whether a key opens with its
 * own password cannot be told without that password.
 */
final class KeyCheck {
    private final Vault vault;
    private final Problems problems;

    KeyCheck(Vault vault, Problems problems) {
        this.vault = vault;
        this.problems = problems;
    }

    void run() {
        for (VaultObject k : vault.list(ObjectKind.KEY).objects()) {
            Outcome<String> read = Outcome.of(() -> {
                vault.readKey(k.id());
                return k.id();
            });
            if (!read.ok()) {
                String name = ObjectKind.KEY.objectName(k.id());
                problems.add("key:" + k.id(), Severity.ERROR, "key", name, "key object " + name
                        + " is damaged; its password no longer opens the vault: " + read.damage().getMessage());
            }
        }
    }
}
