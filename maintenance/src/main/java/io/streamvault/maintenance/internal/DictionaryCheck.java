package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.Vault;

/**
 * Every zstd dictionary object must read back whole: blobs compressed with a damaged one cannot be
 * read (a read of the data names them).
 */
final class DictionaryCheck {
    private final Vault vault;
    private final Problems problems;

    DictionaryCheck(Vault vault, Problems problems) {
        this.vault = vault;
        this.problems = problems;
    }

    void run() {
        for (String name : vault.listDictionaries()) {
            Outcome<String> read = Outcome.of(() -> {
                vault.readDictionary(name);
                return name;
            });
            if (!read.ok()) {
                problems.add("dictionary:" + name, Severity.ERROR, "dictionary", name, "zstd dictionary " + name
                        + " cannot be read; the small blobs compressed with it cannot be restored: "
                        + read.damage().getMessage());
            }
        }
    }
}
