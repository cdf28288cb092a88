package io.streamvault.common.fs;

import com.sun.jna.Native;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The POSIX calls the JDK does not offer (or offers only following symlinks, or only to the
 * microsecond): lstat with every field, l*xattr, utimensat with AT_SYMLINK_NOFOLLOW, lchown,
 * chmod with setuid/setgid/sticky, mknod/mkfifo. Errors are IOExceptions whose subclass follows
 * the JDK's mapping (NoSuchFileException, AccessDeniedException, ...) and whose message names the
 * path.
 *
 * <p>{@link #lstat} uses the JDK's own lstat ({@code sun.nio.fs.UnixFileAttributes}, read through
 * method handles, or the {@code unix:} attribute view where those are not reachable), which has
 * every field with nanosecond times. Everything else calls glibc through JNA direct mapping
 * (Linux, glibc, x86_64 or aarch64), with the path passed as its raw NUL-terminated bytes. Relative
 * paths are resolved first as the JDK resolves them ({@link Path#toAbsolutePath()}). Paths in
 * exception messages are in {@link RawPaths#display} form.
 */
public final class Posix {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final String UNIX_ATTRS =
            "unix:mode,ino,dev,rdev,nlink,uid,gid,size,lastModifiedTime,lastAccessTime,ctime";

    private Posix() {
    }

    /** Method handles on the package-private accessors of {@code sun.nio.fs.UnixFileAttributes}. */
    private static final class Attrs {
        static final Class<?> CLASS;
        static final MethodHandle MODE; // (Object) -> int
        static final MethodHandle UID;
        static final MethodHandle GID;
        static final MethodHandle NLINK;
        static final MethodHandle INO; // (Object) -> long
        static final MethodHandle DEV;
        static final MethodHandle RDEV;
        static final MethodHandle CTIME; // (Object) -> FileTime

        static {
            Class<?> c = null;
            MethodHandle mode = null;
            MethodHandle uid = null;
            MethodHandle gid = null;
            MethodHandle nlink = null;
            MethodHandle ino = null;
            MethodHandle dev = null;
            MethodHandle rdev = null;
            MethodHandle ctime = null;
            try {
                c = Class.forName("sun.nio.fs.UnixFileAttributes");
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                mode = intGetter(l, c, "mode");
                uid = intGetter(l, c, "uid");
                gid = intGetter(l, c, "gid");
                nlink = intGetter(l, c, "nlink");
                ino = longGetter(l, c, "ino");
                dev = longGetter(l, c, "dev");
                rdev = longGetter(l, c, "rdev");
                ctime = l.findVirtual(c, "ctime", MethodType.methodType(FileTime.class))
                        .asType(MethodType.methodType(FileTime.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                c = null; // fall back to the attribute view
            }
            CLASS = c;
            MODE = mode;
            UID = uid;
            GID = gid;
            NLINK = nlink;
            INO = ino;
            DEV = dev;
            RDEV = rdev;
            CTIME = ctime;
        }

        private static MethodHandle intGetter(MethodHandles.Lookup l, Class<?> c, String name)
                throws ReflectiveOperationException {
            return l.findVirtual(c, name, MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Object.class));
        }

        private static MethodHandle longGetter(MethodHandles.Lookup l, Class<?> c, String name)
                throws ReflectiveOperationException {
            return l.findVirtual(c, name, MethodType.methodType(long.class))
                    .asType(MethodType.methodType(long.class, Object.class));
        }
    }

    /** lstat(2): never follows a symlink. */
    public static FileMeta lstat(Path p) throws IOException {
        try {
            if (Attrs.CLASS != null) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
                if (Attrs.CLASS.isInstance(a)) {
                    return fromUnixAttributes(p, a);
                }
            }
            Map<String, Object> m = Files.readAttributes(p, UNIX_ATTRS, NOFOLLOW);
            int mode = (Integer) m.get("mode");
            return new FileMeta(kind(p, mode), mode & 07777, (Integer) m.get("uid"), (Integer) m.get("gid"),
                    (Long) m.get("size"), ns((FileTime) m.get("lastModifiedTime")),
                    ns((FileTime) m.get("lastAccessTime")), ns((FileTime) m.get("ctime")), (Long) m.get("ino"),
                    (Long) m.get("dev"), ((Integer) m.get("nlink")).longValue(), (Long) m.get("rdev"));
        } catch (FileSystemException e) {
            throw withDisplayPath(e, p);
        }
    }

    private static FileMeta fromUnixAttributes(Path p, PosixFileAttributes a) throws IOException {
        try {
            int mode = (int) Attrs.MODE.invokeExact((Object) a);
            return new FileMeta(kind(p, mode), mode & 07777, (int) Attrs.UID.invokeExact((Object) a),
                    (int) Attrs.GID.invokeExact((Object) a), a.size(), ns(a.lastModifiedTime()),
                    ns(a.lastAccessTime()), ns((FileTime) Attrs.CTIME.invokeExact((Object) a)),
                    (long) Attrs.INO.invokeExact((Object) a), (long) Attrs.DEV.invokeExact((Object) a),
                    Integer.toUnsignedLong((int) Attrs.NLINK.invokeExact((Object) a)),
                    (long) Attrs.RDEV.invokeExact((Object) a));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot read file attributes", t);
        }
    }

    private static long ns(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static FileKind kind(Path p, int mode) throws IOException {
        switch (mode & LibC.S_IFMT) {
            case LibC.S_IFREG:
                return FileKind.FILE;
            case LibC.S_IFDIR:
                return FileKind.DIR;
            case LibC.S_IFLNK:
                return FileKind.SYMLINK;
            case LibC.S_IFIFO:
                return FileKind.FIFO;
            case LibC.S_IFSOCK:
                return FileKind.SOCKET;
            case LibC.S_IFCHR:
                return FileKind.CHAR_DEVICE;
            case LibC.S_IFBLK:
                return FileKind.BLOCK_DEVICE;
            default:
                throw new FileSystemException(RawPaths.display(p), null,
                        "unknown file type in st_mode 0" + Integer.toOctalString(mode));
        }
    }

    /** The target of a symlink, raw bytes. */
    public static byte[] readlink(Path p) throws IOException {
        byte[] cp = cpath(p);
        int size = 256;
        while (true) {
            byte[] buf = new byte[size];
            long n;
            do {
                n = LibC.readlink(cp, buf, size);
            } while (n < 0 && Native.getLastError() == LibC.EINTR);
            if (n < 0) {
                throw error(Native.getLastError(), p, "readlink");
            }
            if (n < size) {
                return Arrays.copyOf(buf, (int) n);
            }
            if (size >= (1 << 24)) {
                throw new FileSystemException(RawPaths.display(p), null, "readlink: symlink target too long");
            }
            size *= 2; // possibly truncated: try again with more room
        }
    }

    /**
     * Extended attributes of the entry itself (no follow), sorted by name (unsigned bytes); empty
     * where the file system does not support them (ENOTSUP, or EPERM as some file systems answer
     * for symlinks). An attribute that vanishes between listing and reading is left out.
     */
    public static List<Xattr> xattrs(Path p) throws IOException {
        byte[] cp = cpath(p);
        byte[] list;
        int len;
        while (true) {
            long n = LibC.llistxattr(cp, null, 0);
            if (n < 0) {
                int e = Native.getLastError();
                if (e == LibC.EINTR) {
                    continue;
                }
                if (e == LibC.EOPNOTSUPP || e == LibC.EPERM) {
                    return List.of();
                }
                throw error(e, p, "llistxattr");
            }
            if (n == 0) {
                return List.of();
            }
            list = new byte[(int) n];
            long m = LibC.llistxattr(cp, list, n);
            if (m >= 0) {
                len = (int) m;
                break;
            }
            int e = Native.getLastError();
            if (e == LibC.EOPNOTSUPP || e == LibC.EPERM) {
                return List.of();
            }
            if (e != LibC.ERANGE && e != LibC.EINTR) {
                throw error(e, p, "llistxattr");
            }
            // the list grew in between: again
        }
        List<Xattr> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (list[i] == 0) {
                if (i > start) {
                    byte[] nameZ = Arrays.copyOfRange(list, start, i + 1);
                    byte[] value = getXattr(cp, nameZ, p);
                    if (value != null) {
                        out.add(new Xattr(Arrays.copyOf(nameZ, nameZ.length - 1), value));
                    }
                }
                start = i + 1;
            }
        }
        out.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
        return out;
    }

    /** One value, or null when it vanished or cannot be read for this kind of entry. */
    private static byte[] getXattr(byte[] cp, byte[] nameZ, Path p) throws IOException {
        while (true) {
            long n = LibC.lgetxattr(cp, nameZ, null, 0);
            if (n < 0) {
                int e = Native.getLastError();
                if (e == LibC.EINTR) {
                    continue;
                }
                if (e == LibC.ENODATA || e == LibC.EOPNOTSUPP) {
                    return null;
                }
                throw error(e, p, "lgetxattr " + RawPaths.display(Arrays.copyOf(nameZ, nameZ.length - 1)));
            }
            if (n == 0) {
                return new byte[0];
            }
            byte[] v = new byte[(int) n];
            long m = LibC.lgetxattr(cp, nameZ, v, n);
            if (m >= 0) {
                return m == n ? v : Arrays.copyOf(v, (int) m);
            }
            int e = Native.getLastError();
            if (e == LibC.ENODATA || e == LibC.EOPNOTSUPP) {
                return null;
            }
            if (e != LibC.ERANGE && e != LibC.EINTR) {
                throw error(e, p, "lgetxattr " + RawPaths.display(Arrays.copyOf(nameZ, nameZ.length - 1)));
            }
        }
    }

    /** lsetxattr(2): creates or replaces one attribute of the entry itself. */
    public static void setXattr(Path p, Xattr x) throws IOException {
        byte[] cp = cpath(p);
        byte[] name = x.name();
        if (name.length == 0 || indexOfNul(name) >= 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                    "bad extended attribute name \"" + RawPaths.display(name) + "\" for " + RawPaths.display(p));
        }
        byte[] nameZ = Arrays.copyOf(name, name.length + 1);
        byte[] value = x.value();
        int r;
        do {
            r = LibC.lsetxattr(cp, nameZ, value, value.length, 0);
        } while (r < 0 && Native.getLastError() == LibC.EINTR);
        if (r < 0) {
            throw error(Native.getLastError(), p, "lsetxattr " + RawPaths.display(name));
        }
    }

    /** Sets atime and mtime to the nanosecond without following a symlink. */
    public static void setTimes(Path p, long atimeNs, long mtimeNs) throws IOException {
        byte[] cp = cpath(p);
        long[] ts = {
            Math.floorDiv(atimeNs, 1_000_000_000L), Math.floorMod(atimeNs, 1_000_000_000L),
            Math.floorDiv(mtimeNs, 1_000_000_000L), Math.floorMod(mtimeNs, 1_000_000_000L)
        };
        int r;
        do {
            r = LibC.utimensat(LibC.AT_FDCWD, cp, ts, LibC.AT_SYMLINK_NOFOLLOW);
        } while (r < 0 && Native.getLastError() == LibC.EINTR);
        if (r < 0) {
            throw error(Native.getLastError(), p, "utimensat");
        }
    }

    /**
     * lchown(2). Note that the kernel clears setuid/setgid on a chown: restore ownership before
     * {@link #chmod}.
     */
    public static void chown(Path p, int uid, int gid) throws IOException {
        byte[] cp = cpath(p);
        int r;
        do {
            r = LibC.lchown(cp, uid, gid);
        } while (r < 0 && Native.getLastError() == LibC.EINTR);
        if (r < 0) {
            throw error(Native.getLastError(), p, "lchown");
        }
    }

    /** chmod(2) with all of 07777. Not for symlinks. */
    public static void chmod(Path p, int mode) throws IOException {
        byte[] cp = cpath(p);
        int r;
        do {
            r = LibC.chmod(cp, mode & 07777);
        } while (r < 0 && Native.getLastError() == LibC.EINTR);
        if (r < 0) {
            throw error(Native.getLastError(), p, "chmod");
        }
    }

    /** symlink(2): creates {@code link} pointing to the raw bytes {@code target}. */
    public static void symlink(Path link, byte[] target) throws IOException {
        byte[] cp = cpath(link);
        if (target.length == 0 || indexOfNul(target) >= 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "bad symlink target \"" + RawPaths.display(target)
                    + "\" for " + RawPaths.display(link) + ": empty or holds a NUL byte");
        }
        byte[] targetZ = Arrays.copyOf(target, target.length + 1);
        int r;
        do {
            r = LibC.symlink(targetZ, cp);
        } while (r < 0 && Native.getLastError() == LibC.EINTR);
        if (r < 0) {
            throw error(Native.getLastError(), link, "symlink");
        }
    }

    /**
     * mknod(2) for FIFO, CHAR_DEVICE and BLOCK_DEVICE. {@code rdev} is the encoded device number as
     * {@link FileMeta#rdev()} holds it (see {@link #makedev}); ignored for a FIFO. The process umask
     * applies to {@code mode}: call {@link #chmod} afterwards for exact bits.
     */
    public static void mknod(Path p, FileKind kind, int mode, long rdev) throws IOException {
        int type;
        switch (kind) {
            case FIFO:
                type = LibC.S_IFIFO;
                break;
            case CHAR_DEVICE:
                type = LibC.S_IFCHR;
                break;
            case BLOCK_DEVICE:
                type = LibC.S_IFBLK;
                break;
            default:
                throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                        "mknod cannot make a " + kind + ": " + RawPaths.display(p));
        }
        byte[] cp = cpath(p);
        int r;
        do {
            r = kind == FileKind.FIFO ? LibC.mkfifo(cp, mode & 07777) : LibC.mknod(cp, type | (mode & 07777), rdev);
        } while (r < 0 && Native.getLastError() == LibC.EINTR);
        if (r < 0) {
            throw error(Native.getLastError(), p, kind == FileKind.FIFO ? "mkfifo" : "mknod");
        }
    }

    /** True when this process runs with uid 0 (effective uid). */
    public static boolean isRoot() {
        need();
        return LibC.geteuid() == 0;
    }

    /** glibc's makedev(3): the dev_t encoding of a major and a minor number (unsigned 32-bit each). */
    public static long makedev(long major, long minor) {
        return ((major & 0x00000fffL) << 8) | ((major & 0xfffff000L) << 32) | (minor & 0x000000ffL)
                | ((minor & 0xffffff00L) << 12);
    }

    /** glibc's major(3). */
    public static long major(long dev) {
        return ((dev >>> 8) & 0x00000fffL) | ((dev >>> 32) & 0xfffff000L);
    }

    /** glibc's minor(3). */
    public static long minor(long dev) {
        return (dev & 0x000000ffL) | ((dev >>> 12) & 0xffffff00L);
    }

    // ---------------------------------------------------------------------------------------------

    private static void need() {
        Throwable f = LibC.FAILURE;
        if (f != null) {
            throw new FatalException(ErrorCode.UNSUPPORTED,
                    "native POSIX calls (JNA, glibc) are not available: " + f, f);
        }
    }

    /** Absolute raw path, NUL-terminated. */
    static byte[] cpath(Path p) {
        need();
        Path abs = p.isAbsolute() ? p : p.toAbsolutePath();
        byte[] raw = RawPaths.rawView(abs);
        return Arrays.copyOf(raw, raw.length + 1);
    }

    private static int indexOfNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** An errno as the JDK would report it, naming the path in display form. */
    static IOException error(int errno, Path p, String op) {
        String file = RawPaths.display(p);
        String reason = op + ": " + strerror(errno);
        switch (errno) {
            case LibC.ENOENT:
                return new NoSuchFileException(file, null, reason);
            case LibC.EEXIST:
                return new FileAlreadyExistsException(file, null, reason);
            case LibC.EACCES:
            case LibC.EPERM:
                return new AccessDeniedException(file, null, reason);
            default:
                return new FileSystemException(file, null, reason);
        }
    }

    private static String strerror(int errno) {
        try {
            String s = LibC.strerror(errno);
            return s != null ? s : "errno " + errno;
        } catch (RuntimeException | LinkageError e) {
            return "errno " + errno;
        }
    }

    /** The same exception type with the path in display form (the JDK's is lossy). */
    private static FileSystemException withDisplayPath(FileSystemException e, Path p) {
        String file;
        try {
            file = RawPaths.display(p);
        } catch (FatalException unavailable) {
            return e; // raw bytes not reachable: keep the JDK's form
        }
        FileSystemException r;
        if (e instanceof NoSuchFileException) {
            r = new NoSuchFileException(file, null, e.getReason());
        } else if (e instanceof AccessDeniedException) {
            r = new AccessDeniedException(file, null, e.getReason());
        } else if (e.getClass() == FileSystemException.class) {
            r = new FileSystemException(file, null, e.getReason());
        } else {
            return e;
        }
        r.initCause(e);
        return r;
    }

    /**
     * Why an entry could not be read, in the words a backup reports it: "permission denied",
     * "vanished during backup", or the exception's own message.
     */
    public static String reason(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "vanished during backup";
        }
        if (e instanceof ReadOnlyFile.SymlinkNotFollowed) {
            return ReadOnlyFile.SYMLINK;
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
