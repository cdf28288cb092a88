package io.streamvault.catalog;

import io.streamvault.catalog.internal.RestoreWalk;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.util.List;

/**
 * Restores a snapshot into a directory, needing only the vault and its key. Contents first, then
 * metadata (owner, mode, extended attributes, times; directories after their contents). Names come
 * from the vault and are checked: nothing is written outside the target.
 */
public final class Restorer {
    /** Progress of a restore, called from the restoring thread. */
    public interface Progress {
        void update(long files, long bytes);
    }

    /** What a restore did; {@code errors} names each entry that could not be restored and why. */
    public record Result(long files, long dirs, long bytes, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final Vault vault;
    private final MasterIndex index;

    public Restorer(Vault vault, MasterIndex index) {
        this.vault = vault;
        this.index = index;
    }

    /** Writes the contents of the backed-up directory directly into {@code target}. */
    public Result restore(SnapshotRef snapshot, Path target, Progress progress) {
        return new RestoreWalk(vault, index, progress).run(snapshot.snapshot().tree(), target);
    }
}
