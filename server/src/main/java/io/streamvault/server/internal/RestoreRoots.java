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
    private final List<Path> roots;

    RestoreRoots(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Refuses ({@link ErrorCode#FORBIDDEN}) a target that lies, symlinks resolved, under none of the roots. */
    void check(Path dest) throws IOException {
        if (roots.isEmpty()) {
            return;
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
                return;
            }
        }
        throw new FatalException(ErrorCode.FORBIDDEN, "the target " + RawPaths.display(dest)
                + " is outside the directories this server restores into");
    }
}
