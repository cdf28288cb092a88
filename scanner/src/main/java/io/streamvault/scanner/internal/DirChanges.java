package io.streamvault.scanner.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.scanner.Changes;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The directories a feed has seen change since the last drain, coalesced. Feeds work on the real
 * path of the root (symlinks resolved, as the kernel names directories); {@link #drain} reports them
 * under the root as the caller gave it, and drops those that are no longer directories (deleted or
 * renamed since: their parent is reported for that, and a renamed directory under its new name).
 */
final class DirChanges {
    private final Path root;
    private final Path realRoot;
    private final Set<Path> dirs = new HashSet<>();
    private boolean overflowed;

    DirChanges(Path root) {
        this.root = root;
        try {
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new FatalException(ErrorCode.SOURCE_NOT_FOUND, "cannot watch " + root + ": " + e.getMessage(), e);
        }
    }

    Path realRoot() {
        return realRoot;
    }

    /** Something in {@code dir} (a real path) changed; ignored when it is not under the root. */
    void add(Path dir) {
        if (dir.startsWith(realRoot)) {
            dirs.add(dir);
        }
    }

    /**
     * The directory itself changed (its metadata): its parent is reported, which lists it; the root
     * is reported itself.
     */
    void addSelf(Path dir) {
        add(dir.equals(realRoot) || dir.getParent() == null ? dir : dir.getParent());
    }

    /**
     * A directory that appeared whole (moved in): it and every directory under it, none of which
     * had events of its own here. A part that cannot be listed makes the result overflowed.
     */
    void addTree(Path top) {
        if (!top.startsWith(realRoot)) {
            return;
        }
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    dirs.add(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    if (!(e instanceof NoSuchFileException)) {
                        overflowed = true;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        overflowed = true;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            overflowed = true; // not thrown by the visitor above; kept for the compiler
        }
    }

    void overflow() {
        overflowed = true;
    }

    boolean pending() {
        return overflowed || !dirs.isEmpty();
    }

    /** What was seen since the last drain, and starts afresh. */
    Changes drain() {
        Set<Path> out = new HashSet<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                out.add(root.resolve(realRoot.relativize(d)));
            }
        }
        Changes c = new Changes(out, overflowed);
        dirs.clear();
        overflowed = false;
        return c;
    }
}
