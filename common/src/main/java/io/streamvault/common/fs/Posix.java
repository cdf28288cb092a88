package io.streamvault.common.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The POSIX calls the JDK does not offer (or offers only following symlinks, or only to the
 * microsecond): lstat with every field, l*xattr, utimensat with AT_SYMLINK_NOFOLLOW, lchown,
 * chmod with setuid/setgid/sticky, mknod/mkfifo. Errors are IOExceptions whose subclass follows
 * the JDK's mapping (NoSuchFileException, AccessDeniedException, ...) and whose message names the
 * path.
 */
public final class Posix {
    private Posix() {
    }

    public static FileMeta lstat(Path p) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The target of a symlink, raw bytes. */
    public static byte[] readlink(Path p) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Extended attributes of the entry itself (no follow), sorted by name; empty where unsupported. */
    public static List<Xattr> xattrs(Path p) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static void setXattr(Path p, Xattr x) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Sets atime and mtime to the nanosecond without following a symlink. */
    public static void setTimes(Path p, long atimeNs, long mtimeNs) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** lchown(2). */
    public static void chown(Path p, int uid, int gid) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** chmod(2) with all of 07777. Not for symlinks. */
    public static void chmod(Path p, int mode) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static void symlink(Path link, byte[] target) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** mknod(2) for FIFO, CHAR_DEVICE and BLOCK_DEVICE. */
    public static void mknod(Path p, FileKind kind, int mode, long rdev) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** True when this process runs with uid 0. */
    public static boolean isRoot() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
