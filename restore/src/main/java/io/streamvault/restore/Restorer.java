package io.streamvault.restore;

import io.streamvault.restore.internal.RestoreWalk;
import io.streamvault.vault.BlobReader;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.util.List;

/**
 * Restores a snapshot, or the part of it that {@link RestoreOptions} selects, into a directory,
 * needing only the vault and its key. Several files (and parts of large files) are restored at once;
 * contents first, then metadata (owner, mode, extended attributes, times), directories after
 * everything in them. Names come from the vault and are checked, and every entry is created
 * relative to an open descriptor of its directory without following symlinks: nothing is written
 * outside the target, whatever the trees hold or the target contains. The CLI and the HTTP API both
 * restore through this class.
 */
public final class Restorer {
    /** What a restore did; {@code errors} names each entry that could not be restored and why. */
    public record Result(long files, long dirs, long bytes, long skipped, List<String> errors, long errorsTotal,
            boolean cancelled) {
        public boolean ok() {
            return errorsTotal == 0 && !cancelled;
        }
    }

    private final Vault vault;
    private final BlobReader reader;

    public Restorer(Vault vault, MasterIndex index) {
        this.vault = vault;
        this.reader = new BlobReader(vault, index);
    }

    /** Restores everything, overwriting, into {@code target}. */
    public Result restore(SnapshotRef snapshot, Path target) {
        return restore(snapshot, target, RestoreOptions.all(), new RestoreProgress());
    }

    /**
     * Writes the selected contents of the backed-up directory into {@code target} (created if
     * missing). Blocks until done or cancelled through {@code progress}.
     */
    public Result restore(SnapshotRef snapshot, Path target, RestoreOptions options, RestoreProgress progress) {
        return restore(snapshot, target, List.of(), options, progress);
    }

    /**
     * Restores into the directory {@code below} names under {@code root} (created where missing):
     * {@code root} is opened once, and each name of {@code below} is created or entered relative to
     * the descriptor of the one before, never through a symlink. A target checked against a root
     * when a job was queued stays under that root when the job runs, whatever was swapped in
     * meanwhile: a symlink on the way fails the restore (UNSAFE_PATH) before anything is written.
     *
     * @param below names (each checked: no "..", no '/') from {@code root} to the target; empty: {@code root} itself
     */
    public Result restore(SnapshotRef snapshot, Path root, List<byte[]> below, RestoreOptions options,
            RestoreProgress progress) {
        new RestoreWalk(vault, reader, options, progress).run(snapshot.snapshot().tree(), root, below);
        RestoreProgress.Status s = progress.status();
        return new Result(s.filesDone(), s.dirs(), s.bytesDone(), s.skipped(), progress.errors(), s.errors(),
                s.cancelled());
    }
}
