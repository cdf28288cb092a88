package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Vault;

/**
 * The lock records must read back and authenticate (a damaged one makes every deletion refuse until it
 * is repaired); a record that broke the lock's rules when written (forged with the password, or raced)
 * counts for nothing and is reported as a warning (docs/lock.md).
 */
final class LockCheck {
    private final Vault vault;
    private final Problems problems;

    LockCheck(Vault vault, Problems problems) {
        this.vault = vault;
        this.problems = problems;
    }

    void run() {
        Outcome<LockState> read = Outcome.of(() -> vault.locks().state());
        if (!read.ok()) {
            problems.add("locks", Severity.ERROR, "lock", "locks/", "the lock records cannot be read, so every"
                    + " deletion is refused until they are: " + read.damage().getMessage());
            return;
        }
        for (String r : read.value().refused()) {
            problems.add("lock:" + r, Severity.WARNING, "lock", "locks/" + r.substring(0, Math.min(64, r.length())),
                    "lock record ignored: " + r);
        }
    }
}
