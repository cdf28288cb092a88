package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The directories restore jobs may write under ({@code --restore-root}); none: anywhere. */
final class RestoreRoots {
    /**
     * Where a job writes: {@code target} as asked (for messages), reached when the job runs from
     * {@code root}, opened then, through the names of {@code below}, never through a symlink (see
     * {@link io.streamvault.restore.Restorer}); without roots, {@code root} is the target and
     * {@code below} is empty.
     */
    record Placement(Path target, Path root, List<byte[]> below) {
    }

    private final List<Path> roots;

    RestoreRoots(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * Refuses ({@link ErrorCode#FORBIDDEN}) a target that lies, symlinks resolved, under none of the
     * roots; otherwise the root it lies under and the names that lead from there to it, so that the
     * job confines itself again when it writes: a directory on the way replaced by a symlink while
     * the job waited is refused then, not followed.
     */
    Placement place(Path dest) throws IOException {
        if (roots.isEmpty()) {
            return new Placement(dest, dest, List.of());
        }
        Path existing = dest.normalize();
        Path rest = existing.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        Path real = existing == null ? dest.normalize() : existing.toRealPath().resolve(rest).normalize();
        for (Path root : roots) {
            Path r = Files.exists(root) ? root.toRealPath() : root.toAbsolutePath().normalize();
            if (real.startsWith(r)) {
                return new Placement(dest, r, RawPaths.splitRelative(RawPaths.bytes(r.relativize(real))));
            }
        }
        throw new FatalException(ErrorCode.FORBIDDEN, "the target " + RawPaths.display(dest)
                + " is outside the directories this server restores into");
    }
}
