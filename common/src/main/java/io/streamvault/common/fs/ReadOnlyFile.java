package io.streamvault.common.fs;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A source file opened for a backup's reads: {@code O_NOFOLLOW} (a symlink swapped in where the scan
 * saw a file is refused, not followed) and {@code O_NOATIME} where the kernel allows it (the owner or
 * root; otherwise the file is opened without it), so that a backup leaves access times as they were,
 * as {@code restic backup} does. (File systems purge by access time: a backup must not make every
 * file look used. On ext4 the access-time update also dirtied the inode of every file read.)
 * Positioned reads only, into direct buffers with no copy; not thread-safe.
 */
public final class ReadOnlyFile implements AutoCloseable {
    private final int fd;
    private final Path path;
    private ByteBuffer bounce;
    private boolean closed;

    private ReadOnlyFile(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Opens {@code p} for reading, never through a symlink as its last component. */
    public static ReadOnlyFile open(Path p) throws IOException {
        if (LibCAt.FAILURE != null) {
            throw new FatalException(ErrorCode.UNSUPPORTED,
                    "native POSIX calls (JNA, glibc) are not available: " + LibCAt.FAILURE, LibCAt.FAILURE);
        }
        byte[] raw = RawPaths.rawView(p);
        byte[] z = Arrays.copyOf(raw, raw.length + 1);
        int flags = LibCAt.O_RDONLY | LibCAt.O_NOFOLLOW | LibCAt.O_CLOEXEC;
        int fd = openat(z, flags | LibCAt.O_NOATIME);
        if (fd < 0 && Native.getLastError() == LibC.EPERM) {
            fd = openat(z, flags); // not the owner: O_NOATIME is not allowed, the read is
        }
        if (fd < 0) {
            int e = Native.getLastError();
            if (e == LibCAt.ELOOP) {
                throw new FileSystemException(RawPaths.display(p), null, "is a symlink now; not followed");
            }
            throw Posix.error(e, p, "open");
        }
        return new ReadOnlyFile(fd, p);
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
            LibCAt.close(fd);
        }
    }
}
