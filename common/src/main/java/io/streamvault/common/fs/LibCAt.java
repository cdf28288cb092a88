package io.streamvault.common.fs;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The descriptor-relative glibc calls that {@link DirFd} and {@link ReadOnlyFile} need (openat,
 * pread, fchmod, fchown, fsetxattr, futimens, ftruncate), bound by JNA direct mapping like {@link LibC}. Open flags differ between
 * x86_64 and aarch64 and are chosen at class initialization.
 */
final class LibCAt {
    static final boolean AARCH64 = Platform.isARM() && Platform.is64Bit();
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    /** Reads do not update the file's access time (its owner or CAP_FOWNER only; EPERM otherwise). */
    static final int O_NOATIME = 01000000;

    static final int ELOOP = 40;
    static final int ENOTDIR = 20;

    static final Throwable FAILURE;

    static {
        Throwable failure = null;
        try {
            if (!Platform.isLinux()) {
                throw new UnsupportedOperationException("descriptor-relative file calls are implemented for Linux only");
            }
            if (!(AARCH64 || Platform.isIntel() && Platform.is64Bit())) {
                // The open flags here are x86_64's and aarch64's (others differ: 0400000 is O_DIRECT on
                // ppc64le), and the bindings assume LP64.
                throw new UnsupportedOperationException("descriptor-relative file calls are bound for Linux on "
                        + "x86_64 and aarch64 only, not " + System.getProperty("os.arch"));
            }
            Native.register(LibCAt.class, Platform.C_LIBRARY_NAME);
        } catch (Throwable t) {
            failure = t;
        }
        FAILURE = failure;
    }

    private LibCAt() {
    }

    /** openat(2); {@code mode} is used with O_CREAT only. */
    static native int openat(int dirfd, byte[] path, int flags, int mode);

    static native int close(int fd);

    /** pread(2) into native memory. */
    static native long pread(int fd, Pointer buf, long count, long offset);

    static native int fchmod(int fd, int mode);

    static native int fchown(int fd, int uid, int gid);

    static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

    /** futimens(3): {@code times} is atime sec, atime nsec, mtime sec, mtime nsec. */
    static native int futimens(int fd, long[] times);

    static native int ftruncate(int fd, long length);
}
