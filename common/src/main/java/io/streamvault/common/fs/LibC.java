package io.streamvault.common.fs;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * glibc calls through JNA direct mapping (Linux x86_64 and aarch64, LP64: {@code size_t},
 * {@code ssize_t} and {@code dev_t} are Java {@code long}; {@code mode_t}, {@code uid_t},
 * {@code gid_t} are {@code int}). Only symbols that every glibc since 2.17 exports are bound here;
 * {@code mknod} (exported only since glibc 2.33; {@code __xmknod} before) is looked up by name at
 * first use. Paths are NUL-terminated byte arrays. After a call that failed, read errno with
 * {@link Native#getLastError()}.
 */
final class LibC {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;

    static final int S_IFMT = 0170000;
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFDIR = 0040000;
    static final int S_IFBLK = 0060000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFSOCK = 0140000;

    // errno values, identical on x86_64 and aarch64 (asm-generic)
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int ERANGE = 34;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int ENODATA = 61;
    static final int EOPNOTSUPP = 95;

    /** Null when the library is bound, else why not. */
    static final Throwable FAILURE;

    static {
        Throwable failure = null;
        try {
            if (!Platform.isLinux()) {
                throw new UnsupportedOperationException("native POSIX calls are implemented for Linux only, not "
                        + System.getProperty("os.name"));
            }
            Native.register(LibC.class, Platform.C_LIBRARY_NAME);
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError from JNA, ...
            failure = t;
        }
        FAILURE = failure;
    }

    private LibC() {
    }

    static native long readlink(byte[] path, byte[] buf, long size);

    static native long llistxattr(byte[] path, byte[] list, long size);

    static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size);

    static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags);

    /** {@code times}: atime sec, atime nsec, mtime sec, mtime nsec (two struct timespec). */
    static native int utimensat(int dirfd, byte[] path, long[] times, int flags);

    static native int lchown(byte[] path, int uid, int gid);

    static native int chmod(byte[] path, int mode);

    static native int symlink(byte[] target, byte[] linkpath);

    static native int mkfifo(byte[] path, int mode);

    static native int geteuid();

    static native String strerror(int errnum);

    /** mknod, or __xmknod on glibc before 2.33; null if neither is exported. */
    private static final class Mknod {
        static final Function MKNOD;
        static final Function XMKNOD;

        static {
            NativeLibrary c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
            Function f = null;
            Function x = null;
            try {
                f = c.getFunction("mknod");
            } catch (UnsatisfiedLinkError e) {
                try {
                    x = c.getFunction("__xmknod");
                } catch (UnsatisfiedLinkError e2) {
                    x = null;
                }
            }
            MKNOD = f;
            XMKNOD = x;
        }
    }

    /** mknod(2); returns -1 with errno set on failure. */
    static int mknod(byte[] path, int mode, long dev) {
        if (Mknod.MKNOD != null) {
            return Mknod.MKNOD.invokeInt(new Object[] {path, mode, dev});
        }
        if (Mknod.XMKNOD != null) {
            // int __xmknod(int ver, const char *path, mode_t mode, dev_t *dev); _MKNOD_VER_LINUX is 0 on
            // x86_64 and on aarch64.
            return Mknod.XMKNOD.invokeInt(new Object[] {0, path, mode, new long[] {dev}});
        }
        throw new UnsatisfiedLinkError("neither mknod nor __xmknod is exported by the C library");
    }
}
