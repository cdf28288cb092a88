package io.streamvault.common.fs;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A source file opened for a backup's reads: {@code O_NOFOLLOW} (a symlink swapped in where the scan
 * saw a file is refused, not followed) and {@code O_NOATIME} where the kernel allows it (the file's
 * owner or root), so that a backup leaves access times as they were, as {@code restic backup} does.
 * (File systems purge by access time: a backup must not make every file look used. On ext4 the
 * access-time update also dirtied the inode of every file read.) Positioned reads only, into direct
 * buffers with no copy; not thread-safe. Where the native calls are not bound (another OS or
 * architecture), a plain {@link FileChannel}, which follows symlinks and updates access times.
 */
public final class ReadOnlyFile implements AutoCloseable {
    /** Why a symlink is not read: short, as the other reasons of {@link Posix#reason}. */
    public static final String SYMLINK = "is a symlink now; not followed";
    private static final int NO_EUID = -1;
    private static final int EUID = LibCAt.FAILURE == null && LibC.FAILURE == null ? LibC.geteuid() : NO_EUID;
    private final int fd;
    private final FileChannel channel;
    private final Path path;
    private ByteBuffer bounce;
    private boolean closed;

    private ReadOnlyFile(int fd, FileChannel channel, Path path) {
        this.fd = fd;
        this.channel = channel;
        this.path = path;
    }

    /**
     * Opens {@code p} for reading, never through a symlink as its last component. {@code ownerUid}:
     * the file's owner as last seen (or -1): {@code O_NOATIME} is asked for only where the kernel
     * would allow it, since a refused open costs a second one (a round trip more on a network file
     * system).
     */
    public static ReadOnlyFile open(Path p, int ownerUid) throws IOException {
        if (LibCAt.FAILURE != null || LibC.FAILURE != null) {
            return new ReadOnlyFile(-1, FileChannel.open(p, StandardOpenOption.READ), p);
        }
        byte[] z = Posix.cpath(p);
        int flags = LibCAt.O_RDONLY | LibCAt.O_NOFOLLOW | LibCAt.O_CLOEXEC;
        boolean noAtime = EUID == 0 || ownerUid < 0 || EUID == ownerUid;
        int fd = openat(z, noAtime ? flags | LibCAt.O_NOATIME : flags);
        if (fd < 0 && noAtime && Native.getLastError() == LibC.EPERM) {
            fd = openat(z, flags); // not the owner after all: O_NOATIME is not allowed, the read is
        }
        if (fd < 0) {
            int e = Native.getLastError();
            if (e == LibCAt.ELOOP) {
                throw new SymlinkNotFollowed(RawPaths.display(p));
            }
            throw Posix.error(e, p, "open");
        }
        return new ReadOnlyFile(fd, null, p);
    }

    /** As {@link #open(Path, int)}, the owner unknown. */
    public static ReadOnlyFile open(Path p) throws IOException {
        return open(p, -1);
    }

    /** The file is a symlink now: not read. */
    public static final class SymlinkNotFollowed extends FileSystemException {
        private static final long serialVersionUID = 1L;

        SymlinkNotFollowed(String file) {
            super(file, null, SYMLINK);
        }
    }

    private static int openat(byte[] z, int flags) {
        int fd;
        do {
            fd = LibCAt.openat(LibC.AT_FDCWD, z, flags, 0);
        } while (fd < 0 && Native.getLastError() == LibC.EINTR);
        return fd;
    }

    /**
     * Reads into {@code dst}'s remaining bytes from {@code position}, as
     * {@link java.nio.channels.FileChannel#read(ByteBuffer, long)}: the bytes read (at most its
     * remaining), -1 at the end of the file; {@code dst}'s position moves past them.
     */
    public int read(ByteBuffer dst, long position) throws IOException {
        if (closed) {
            throw new IllegalStateException("file closed");
        }
        if (channel != null) {
            return channel.read(dst, position);
        }
        int want = dst.remaining();
        if (want == 0) {
            return 0;
        }
        ByteBuffer into = dst.isDirect() ? dst : bounce(want);
        long n;
        do {
            Pointer at = Native.getDirectBufferPointer(into).share(into.position());
            n = LibCAt.pread(fd, at, want, position);
        } while (n < 0 && Native.getLastError() == LibC.EINTR);
        if (n < 0) {
            throw Posix.error(Native.getLastError(), path, "read");
        }
        if (n == 0) {
            return -1;
        }
        if (into != dst) {
            dst.put(into.limit((int) n));
        } else {
            dst.position(dst.position() + (int) n);
        }
        return (int) n;
    }

    private ByteBuffer bounce(int want) {
        if (bounce == null || bounce.capacity() < want) {
            bounce = ByteBuffer.allocateDirect(Math.max(want, 8192));
        }
        return bounce.clear().limit(want);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // read-only: nothing was written that a failed close could lose
                }
            } else {
                LibCAt.close(fd);
            }
        }
    }
}
