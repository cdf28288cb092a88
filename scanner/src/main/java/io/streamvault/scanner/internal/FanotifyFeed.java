package io.streamvault.scanner.internal;

import static io.streamvault.scanner.internal.FanotifyCalls.describe;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.scanner.ChangeFeed;
import io.streamvault.scanner.Changes;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A change feed from fanotify(7): one FAN_MARK_FILESYSTEM mark on the file system of the root and
 * on that of every mount under it, in a FAN_REPORT_DFID_NAME group, so each event names the
 * directory it happened in by file handle (and the entry by name). The marks see every change on
 * those whole file systems; handles are resolved to paths (cached) and all but the directories
 * under the root dropped. Needs CAP_SYS_ADMIN and Linux 5.9 or later; {@link #open} says why not.
 * Events wait in the kernel's queue (16384 events) until a poll reads them; a queue that overflowed
 * makes the result overflowed.
 */
public final class FanotifyFeed implements ChangeFeed {
    static final long MASK = FanotifyCalls.FAN_CREATE | FanotifyCalls.FAN_DELETE | FanotifyCalls.FAN_MODIFY
            | FanotifyCalls.FAN_ATTRIB | FanotifyCalls.FAN_MOVED_FROM | FanotifyCalls.FAN_MOVED_TO
            | FanotifyCalls.FAN_DELETE_SELF | FanotifyCalls.FAN_MOVE_SELF | FanotifyCalls.FAN_ONDIR;
    // FAN_Q_OVERFLOW is not accepted in a mark's mask (EINVAL); the kernel queues it regardless.

    private static final int READS_PER_PASS = 64;
    private static final int SLICE_MS = 100;

    private final int fd;
    private final DirHandles handles;
    private final DirChanges changes;
    private final Memory buffer = new Memory(64 * 1024);
    private final Memory pollFd = new Memory(8);
    private final FanotifyEvents.Sink sink = new FanotifyEvents.Sink() {
        @Override
        public void overflow() {
            changes.overflow();
        }

        @Override
        public void event(long mask, long fsid, byte[] handle, byte[] name) {
            FanotifyFeed.this.event(mask, fsid, handle, name);
        }
    };
    private boolean closed;

    private FanotifyFeed(int fd, DirHandles handles, DirChanges changes) {
        this.fd = fd;
        this.handles = handles;
        this.changes = changes;
    }

    /** Marks the file systems under {@code root} (an absolute path to a directory), or says why it cannot. */
    public static FanotifyFeed open(Path root) throws FeedUnavailableException {
        if (FanotifyCalls.FAILURE != null) {
            throw new FeedUnavailableException("native calls (JNA, glibc) are not available: " + FanotifyCalls.FAILURE,
                    FanotifyCalls.FAILURE);
        }
        DirChanges changes = new DirChanges(root);
        int fd = FanotifyCalls.fanotify_init(FanotifyCalls.FAN_CLASS_NOTIF | FanotifyCalls.FAN_REPORT_DFID_NAME
                | FanotifyCalls.FAN_CLOEXEC | FanotifyCalls.FAN_NONBLOCK, FanotifyCalls.O_RDONLY | FanotifyCalls.O_LARGEFILE);
        if (fd < 0) {
            int e = Native.getLastError();
            throw new FeedUnavailableException("fanotify_init: " + describe(e) + initHint(e));
        }
        DirHandles handles = new DirHandles();
        try {
            List<Path> mounts = new ArrayList<>();
            mounts.add(changes.realRoot());
            try {
                mounts.addAll(Mounts.under(changes.realRoot()));
            } catch (IOException e) {
                throw new FeedUnavailableException("cannot list the mounts under " + changes.realRoot() + ": " + e, e);
            }
            for (Path m : mounts) {
                mark(fd, m, handles);
            }
        } catch (FeedUnavailableException | RuntimeException e) {
            handles.close();
            FanotifyCalls.close(fd);
            throw e;
        }
        return new FanotifyFeed(fd, handles, changes);
    }

    /** FAN_MARK_FILESYSTEM on the file system of {@code mount}; keeps a descriptor of it to resolve handles. */
    private static void mark(int fanFd, Path mount, DirHandles handles) throws FeedUnavailableException {
        byte[] raw = RawPaths.bytes(mount);
        int m = FanotifyCalls.openat(FanotifyCalls.AT_FDCWD, Arrays.copyOf(raw, raw.length + 1),
                FanotifyCalls.O_RDONLY | FanotifyCalls.O_DIRECTORY | FanotifyCalls.O_CLOEXEC, 0);
        if (m < 0) {
            throw new FeedUnavailableException("cannot open " + mount + ": " + describe(Native.getLastError()));
        }
        Memory statfs = new Memory(256);
        if (FanotifyCalls.fstatfs(m, statfs) < 0) {
            int e = Native.getLastError();
            FanotifyCalls.close(m);
            throw new FeedUnavailableException("statfs " + mount + ": " + describe(e));
        }
        long fsid = statfs.getLong(56); // f_fsid, after seven 8-byte fields
        handles.addMount(fsid, m); // closed with the handles from here on
        if (FanotifyCalls.fanotify_mark(fanFd, FanotifyCalls.FAN_MARK_ADD | FanotifyCalls.FAN_MARK_FILESYSTEM, MASK, m,
                null) < 0) {
            int e = Native.getLastError();
            throw new FeedUnavailableException("fanotify_mark(FAN_MARK_FILESYSTEM) on " + mount + ": " + describe(e)
                    + markHint(e));
        }
    }

    private static String initHint(int errno) {
        switch (errno) {
            case FanotifyCalls.EPERM:
                return ": needs CAP_SYS_ADMIN (root)";
            case FanotifyCalls.EINVAL:
                return ": the kernel does not know FAN_REPORT_DFID_NAME (Linux 5.9 or later needed)";
            case FanotifyCalls.ENOSYS:
                return ": the kernel has no fanotify, or a seccomp filter (a container's) refuses it";
            case FanotifyCalls.EMFILE:
                return ": too many fanotify groups (/proc/sys/fs/fanotify/max_user_groups)";
            default:
                return "";
        }
    }

    private static String markHint(int errno) {
        switch (errno) {
            case FanotifyCalls.EPERM:
                return ": needs CAP_SYS_ADMIN (root)";
            case FanotifyCalls.ENODEV:
            case FanotifyCalls.EOPNOTSUPP:
                return ": its file system cannot report file handles";
            case FanotifyCalls.EXDEV:
                return ": a subvolume whose fsid differs from its file system's (btrfs) cannot be marked whole";
            case FanotifyCalls.EINVAL:
                return ": the kernel refuses this mark or event mask (Linux 5.9 or later needed)";
            default:
                return "";
        }
    }

    @Override
    public Changes poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                openOrThrow();
                readAvailable();
            }
            if (changes.pending()) {
                Changes c = changes.drain();
                if (!c.isEmpty()) {
                    return c;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return changes.drain();
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            synchronized (this) {
                openOrThrow();
                waitReadable((int) Math.min(SLICE_MS, Math.max(1, left / 1_000_000)));
            }
        }
    }

    private void openOrThrow() {
        if (closed) {
            throw new FatalException(ErrorCode.CANCELLED, "the change feed for " + changes.realRoot() + " is closed");
        }
    }

    private void readAvailable() {
        for (int i = 0; i < READS_PER_PASS; i++) {
            long n = FanotifyCalls.read(fd, buffer, buffer.size());
            if (n < 0) {
                int e = Native.getLastError();
                if (e == FanotifyCalls.EAGAIN) {
                    return;
                }
                if (e == FanotifyCalls.EINTR) {
                    continue;
                }
                throw new FatalException(ErrorCode.IO_ERROR, "reading fanotify events: " + describe(e));
            }
            if (n == 0) {
                return;
            }
            FanotifyEvents.parse(buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder()), sink);
        }
    }

    private void waitReadable(int ms) {
        pollFd.setInt(0, fd);
        pollFd.setShort(4, FanotifyCalls.POLLIN);
        pollFd.setShort(6, (short) 0);
        if (FanotifyCalls.poll(pollFd, 1, ms) < 0) {
            int e = Native.getLastError();
            if (e != FanotifyCalls.EINTR) {
                throw new FatalException(ErrorCode.IO_ERROR, "waiting for fanotify events: " + describe(e));
            }
        }
    }

    /** One event in a directory; {@code name} null when it is about the directory itself. */
    private void event(long mask, long fsid, byte[] handle, byte[] name) {
        List<Path> dirs = handles.resolve(fsid, handle);
        if (dirs == null) {
            changes.overflow();
            return;
        }
        boolean ondir = (mask & FanotifyCalls.FAN_ONDIR) != 0;
        for (Path dir : dirs) {
            if (name == null) {
                changes.addSelf(dir);
                continue;
            }
            changes.add(dir);
            if (ondir) {
                Path child = RawPaths.resolve(dir, name);
                if ((mask & FanotifyCalls.FAN_MOVED_FROM) != 0) {
                    handles.forget(child); // (a deleted directory's handle never comes back)
                }
                if ((mask & FanotifyCalls.FAN_CREATE) != 0) {
                    changes.add(child);
                }
                if ((mask & FanotifyCalls.FAN_MOVED_TO) != 0) {
                    changes.addTree(child); // moved in whole: nothing under it had an event here
                }
            }
        }
    }

    @Override
    public String kind() {
        return "fanotify";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            FanotifyCalls.close(fd);
            handles.close();
        }
    }

    @Override
    public String toString() {
        return "FAN_MARK_FILESYSTEM on " + handles.fileSystems() + " file system(s): every change on them is read,"
                + " those outside the root dropped";
    }
}
