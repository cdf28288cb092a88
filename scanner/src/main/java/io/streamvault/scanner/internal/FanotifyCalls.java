package io.streamvault.scanner.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The glibc calls of the fanotify feed, bound by JNA direct mapping (Linux x86_64 and aarch64,
 * LP64: {@code size_t}, {@code ssize_t}, {@code nfds_t} and {@code uint64_t} are Java {@code long}).
 * Constants from linux/fanotify.h and the architecture's fcntl.h. After a call that failed, read
 * errno with {@link Native#getLastError()}.
 */
final class FanotifyCalls {
    static final boolean AARCH64 = Platform.isARM() && Platform.is64Bit();

    static final int FAN_CLOEXEC = 0x1;
    static final int FAN_NONBLOCK = 0x2;
    static final int FAN_CLASS_NOTIF = 0x0;
    static final int FAN_REPORT_DIR_FID = 0x400;
    static final int FAN_REPORT_NAME = 0x800;
    static final int FAN_REPORT_DFID_NAME = FAN_REPORT_DIR_FID | FAN_REPORT_NAME;

    static final int FAN_MARK_ADD = 0x1;
    static final int FAN_MARK_FILESYSTEM = 0x100;

    static final long FAN_MODIFY = 0x2;
    static final long FAN_ATTRIB = 0x4;
    static final long FAN_MOVED_FROM = 0x40;
    static final long FAN_MOVED_TO = 0x80;
    static final long FAN_CREATE = 0x100;
    static final long FAN_DELETE = 0x200;
    static final long FAN_DELETE_SELF = 0x400;
    static final long FAN_MOVE_SELF = 0x800;
    static final long FAN_Q_OVERFLOW = 0x4000;
    static final long FAN_ONDIR = 0x40000000L;

    static final int FANOTIFY_METADATA_VERSION = 3;
    static final int FAN_EVENT_INFO_TYPE_FID = 1;
    static final int FAN_EVENT_INFO_TYPE_DFID_NAME = 2;
    static final int FAN_EVENT_INFO_TYPE_DFID = 3;
    static final int FAN_EVENT_INFO_TYPE_OLD_DFID_NAME = 10;
    static final int FAN_EVENT_INFO_TYPE_NEW_DFID_NAME = 12;

    static final int O_RDONLY = 0;
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_LARGEFILE = AARCH64 ? 0400000 : 0100000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int AT_FDCWD = -100;
    static final short POLLIN = 0x1;

    // errno values, identical on x86_64 and aarch64 (asm-generic)
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EXDEV = 18;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;
    static final int ESTALE = 116;

    /** Null when the library is bound, else why not. */
    static final Throwable FAILURE;

    static {
        Throwable failure = null;
        try {
            if (!Platform.isLinux()) {
                throw new UnsupportedOperationException("fanotify exists on Linux only, not " + System.getProperty("os.name"));
            }
            Native.register(FanotifyCalls.class, Platform.C_LIBRARY_NAME);
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError from JNA, ...
            failure = t;
        }
        FAILURE = failure;
    }

    private FanotifyCalls() {
    }

    static native int fanotify_init(int flags, int eventFileFlags);

    /** With {@code path} null, the object marked is {@code dirfd} itself. */
    static native int fanotify_mark(int fd, int flags, long mask, int dirfd, byte[] path);

    /** {@code handle}: a struct file_handle (handle_bytes, handle_type, f_handle). */
    static native int open_by_handle_at(int mountFd, byte[] handle, int flags);

    static native int openat(int dirfd, byte[] path, int flags, int mode);

    static native long read(int fd, Pointer buf, long count);

    /** {@code fds}: struct pollfd[nfds] (int fd, short events, short revents). */
    static native int poll(Pointer fds, long nfds, int timeoutMs);

    /** {@code buf}: a struct statfs (120 bytes on x86_64 and aarch64). */
    static native int fstatfs(int fd, Pointer buf);

    static native int close(int fd);

    static native String strerror(int errnum);

    /** "Operation not permitted (errno 1)". */
    static String describe(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }
}
