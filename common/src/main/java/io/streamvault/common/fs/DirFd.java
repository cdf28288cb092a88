package io.streamvault.common.fs;

import com.sun.jna.Native;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * An open directory, and the calls that create, inspect and change the entries in it by name
 * without ever following a symlink in their way: the basis of a restore that cannot be led out of
 * its target by a symlink planted there (or swapped in while it runs).
 *
 * <p>Directories are opened with {@code openat(O_DIRECTORY | O_NOFOLLOW)} relative to their parent's
 * descriptor, so a symlink where a directory is expected fails ({@link SymlinkInTheWay}) instead of
 * being followed. Calls by name go through {@code /proc/self/fd/N/NAME}: the kernel resolves the
 * {@code /proc/self/fd/N} part to this very directory whatever has been renamed since, and every call
 * used here leaves the last component unfollowed (mkdir, symlink, mknod, unlink, rename, link,
 * lstat, lchown, lsetxattr, utimensat with AT_SYMLINK_NOFOLLOW, open with O_EXCL or O_NOFOLLOW). The
 * mode of a regular file or a directory is set through its own descriptor (fchmod), never by name.
 * Linux only; needs /proc.
 */
public final class DirFd implements AutoCloseable {
    /** Metadata to apply to an entry. {@code chown} false leaves owner and group as they are. */
    public record Meta(int mode, int uid, int gid, boolean chown, long atimeNs, long mtimeNs, List<Xattr> xattrs) {
    }

    /** An open directory or file was expected, and a symlink was there. */
    public static final class SymlinkInTheWay extends FileSystemException {
        private static final long serialVersionUID = 1L;

        SymlinkInTheWay(String file, String reason) {
            super(file, null, reason);
        }
    }

    private final int fd;
    private final Path proc;
    private boolean closed;

    private DirFd(int fd) {
        this.fd = fd;
        this.proc = Path.of("/proc/self/fd/" + fd);
    }

    private static void need() {
        if (LibCAt.FAILURE != null) {
            throw new FatalException(ErrorCode.UNSUPPORTED,
                    "native POSIX calls (JNA, glibc) are not available: " + LibCAt.FAILURE, LibCAt.FAILURE);
        }
    }

    /** Opens a directory by path; symlinks in {@code dir} itself are followed (the caller chose it). */
    public static DirFd open(Path dir) throws IOException {
        need();
        Path abs = dir.toAbsolutePath();
        int fd = LibCAt.openat(LibC.AT_FDCWD, Posix.cpath(abs),
                LibCAt.O_RDONLY | LibCAt.O_DIRECTORY | LibCAt.O_CLOEXEC, 0);
        if (fd < 0) {
            throw Posix.error(Native.getLastError(), abs, "open directory");
        }
        return new DirFd(fd);
    }

    /** The child directory {@code name}, never through a symlink. */
    public DirFd openDir(byte[] name) throws IOException {
        int c = LibCAt.openat(fd, nameZ(name), LibCAt.O_RDONLY | LibCAt.O_DIRECTORY | LibCAt.O_NOFOLLOW | LibCAt.O_CLOEXEC, 0);
        if (c < 0) {
            int e = Native.getLastError();
            if (e == LibCAt.ELOOP) {
                throw new SymlinkInTheWay(RawPaths.display(name), "is a symlink, not a directory; not followed");
            }
            if (e == LibCAt.ENOTDIR) {
                throw new FileSystemException(RawPaths.display(name), null, "is not a directory");
            }
            throw Posix.error(e, path(name), "open directory");
        }
        return new DirFd(c);
    }

    /** A second descriptor of this same directory (closed independently). */
    public DirFd reopen() throws IOException {
        int c = LibCAt.openat(fd, new byte[] {'.', 0}, LibCAt.O_RDONLY | LibCAt.O_DIRECTORY | LibCAt.O_CLOEXEC, 0);
        if (c < 0) {
            throw Posix.error(Native.getLastError(), proc, "open directory");
        }
        return new DirFd(c);
    }

    /**
     * {@code /proc/self/fd/N/name}: for calls that do not follow the last component. The name is
     * checked ({@link RawPaths#checkName}): it cannot climb out of this directory.
     */
    public Path path(byte[] name) {
        return RawPaths.resolve(proc, name);
    }

    /** lstat of the entry, or null when there is none. */
    public FileMeta lstat(byte[] name) throws IOException {
        try {
            return Posix.lstat(path(name));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** mkdir with mode 0700 (the final mode is set once the contents are in). */
    public void mkdir(byte[] name) throws IOException {
        Files.createDirectory(path(name));
    }

    /** Creates a new regular file, mode 0600: fails if any entry (a symlink too) has that name. */
    public OpenFile create(byte[] name) throws IOException {
        int f = LibCAt.openat(fd, nameZ(name),
                LibCAt.O_WRONLY | LibCAt.O_CREAT | LibCAt.O_EXCL | LibCAt.O_NOFOLLOW | LibCAt.O_CLOEXEC, 0600);
        if (f < 0) {
            throw Posix.error(Native.getLastError(), path(name), "create");
        }
        return new OpenFile(f);
    }

    public void symlink(byte[] name, byte[] target) throws IOException {
        Posix.symlink(path(name), target);
    }

    public void mknod(byte[] name, FileKind kind, int mode, long rdev) throws IOException {
        Posix.mknod(path(name), kind, mode, rdev);
    }

    /** Removes a non-directory entry, or an empty directory. A symlink is removed, not followed. */
    public void delete(byte[] name) throws IOException {
        Files.delete(path(name));
    }

    /** rename(2) within this directory: atomically replaces a non-directory at {@code to}. */
    public void rename(byte[] from, byte[] to) throws IOException {
        Files.move(path(from), path(to), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A hard link {@code name} here to {@code fromName} in {@code from} (not followed if a symlink). */
    public void link(DirFd from, byte[] fromName, byte[] name) throws IOException {
        Files.createLink(path(name), from.path(fromName));
    }

    /** Applies metadata to this directory through its descriptor. */
    public void setMeta(Meta m) throws IOException {
        applyByFd(fd, proc, m);
    }

    /**
     * Applies metadata to a symlink, FIFO or device node by name, without following it: lchown,
     * lsetxattr (not on symlinks), the mode through an O_PATH descriptor (not on symlinks), and
     * utimensat with AT_SYMLINK_NOFOLLOW.
     */
    public void setMetaAt(byte[] name, FileKind kind, Meta m) throws IOException {
        Path p = path(name);
        if (kind != FileKind.SYMLINK) {
            for (Xattr x : m.xattrs()) {
                Posix.setXattr(p, x);
            }
        }
        if (m.chown()) {
            Posix.chown(p, m.uid(), m.gid());
        }
        if (kind != FileKind.SYMLINK) {
            int o = LibCAt.openat(fd, nameZ(name), LibCAt.O_PATH | LibCAt.O_NOFOLLOW | LibCAt.O_CLOEXEC, 0);
            if (o < 0) {
                throw Posix.error(Native.getLastError(), p, "open");
            }
            try {
                Path op = Path.of("/proc/self/fd/" + o);
                FileMeta now = Posix.lstat(p);
                if (now.kind() != kind) {
                    throw new FileSystemException(RawPaths.display(name), null, "changed type while it was restored");
                }
                Posix.chmod(op, m.mode()); // follows the descriptor's magic link to the opened node itself
            } finally {
                LibCAt.close(o);
            }
        }
        Posix.setTimes(p, m.atimeNs(), m.mtimeNs());
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibCAt.close(fd);
        }
    }

    static byte[] nameZ(byte[] name) {
        RawPaths.checkName(name);
        return Arrays.copyOf(name, name.length + 1);
    }

    static void applyByFd(int fd, Path proc, Meta m) throws IOException {
        for (Xattr x : m.xattrs()) {
            byte[] n = x.name();
            if (n.length == 0) {
                continue;
            }
            byte[] v = x.value();
            if (LibCAt.fsetxattr(fd, Arrays.copyOf(n, n.length + 1), v, v.length, 0) < 0) {
                throw Posix.error(Native.getLastError(), proc, "fsetxattr " + RawPaths.display(n));
            }
        }
        if (m.chown() && LibCAt.fchown(fd, m.uid(), m.gid()) < 0) {
            throw Posix.error(Native.getLastError(), proc, "fchown");
        }
        if (LibCAt.fchmod(fd, m.mode() & 07777) < 0) {
            throw Posix.error(Native.getLastError(), proc, "fchmod");
        }
        long[] ts = {
            Math.floorDiv(m.atimeNs(), 1_000_000_000L), Math.floorMod(m.atimeNs(), 1_000_000_000L),
            Math.floorDiv(m.mtimeNs(), 1_000_000_000L), Math.floorMod(m.mtimeNs(), 1_000_000_000L)
        };
        if (LibCAt.futimens(fd, ts) < 0) {
            throw Posix.error(Native.getLastError(), proc, "futimens");
        }
    }

    /** A regular file created by {@link #create}: its descriptor and a channel to write it. */
    public static final class OpenFile implements AutoCloseable {
        private final int fd;
        private final Path proc;
        private FileChannel channel;
        private boolean closed;

        OpenFile(int fd) {
            this.fd = fd;
            this.proc = Path.of("/proc/self/fd/" + fd);
        }

        /** A channel on the same file (opened through the descriptor, not by name). Thread-safe. */
        public synchronized FileChannel channel() throws IOException {
            if (channel == null) {
                channel = FileChannel.open(proc, StandardOpenOption.WRITE);
            }
            return channel;
        }

        /** ftruncate(2): sets the length (extending leaves a hole). */
        public void setLength(long length) throws IOException {
            if (LibCAt.ftruncate(fd, length) < 0) {
                throw Posix.error(Native.getLastError(), proc, "ftruncate");
            }
        }

        public void setMeta(Meta m) throws IOException {
            applyByFd(fd, proc, m);
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (channel != null) {
                    channel.close();
                }
            } finally {
                LibCAt.close(fd);
            }
        }
    }
}
