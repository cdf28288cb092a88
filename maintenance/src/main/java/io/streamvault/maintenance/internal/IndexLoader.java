package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Vault;

/** Reads every index object; one that cannot be read is an error (its packs then show as in no index). */
final class IndexLoader {
    private final Vault vault;
    private final Problems problems;
    private final CheckProgress progress;

    IndexLoader(Vault vault, Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.problems = problems;
        this.progress = progress;
    }

    LoadedIndex load() {
        progress.update("index", 0, 1);
        MasterIndex index = vault.loadIndexNamed((name, damage) -> problems.add("index:" + name, Severity.ERROR,
                "index", name, "index object " + name + " cannot be read (the packs it records are reported as in no"
                        + " index): " + damage.getMessage()));
        progress.update("index", 1, 1);
        return new LoadedIndex(index.indexObjects().size(), index);
    }
}
