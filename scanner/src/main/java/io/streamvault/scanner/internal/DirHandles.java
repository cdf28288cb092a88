package io.streamvault.scanner.internal;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory file handles (as fanotify reports them) to paths: open_by_handle_at(O_PATH) through a
 * descriptor on each mount of the file system, then readlink of /proc/self/fd/N, which names the
 * directory where it is now. A file system mounted more than once under the root gives one path
 * per mount. Results are cached (least recently used dropped first); {@link #forget} drops the
 * cached paths under a directory that was renamed.
 */
final class DirHandles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirHandles.class);
    private static final int CACHED = 16_384;

    /** fsid (as the kernel reports it, 8 bytes read as one long) to a descriptor per mount. */
    private final Map<Long, List<Integer>> mounts = new LinkedHashMap<>();
    private final Map<ByteBuffer, List<Path>> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, List<Path>> eldest) {
            return size() > CACHED;
        }
    };
    private boolean warned;

    void addMount(long fsid, int fd) {
        mounts.computeIfAbsent(fsid, k -> new ArrayList<>()).add(fd);
    }

    int fileSystems() {
        return mounts.size();
    }

    /**
     * The paths of the directory, one per mount of its file system through which it can be reached
     * (none when it is gone, outside every mount marked, or on a file system not marked); null when
     * it exists but cannot be named (logged once).
     */
    List<Path> resolve(long fsid, byte[] handle) {
        ByteBuffer key = ByteBuffer.allocate(8 + handle.length).putLong(fsid).put(handle).flip();
        List<Path> known = cache.get(key);
        if (known != null) {
            return known;
        }
        List<Integer> fds = mounts.getOrDefault(fsid, List.of());
        List<Path> paths = new ArrayList<>(fds.size());
        for (int mountFd : fds) {
            int fd = FanotifyCalls.open_by_handle_at(mountFd, handle, FanotifyCalls.O_PATH | FanotifyCalls.O_CLOEXEC);
            if (fd < 0) {
                int e = Native.getLastError();
                if (e == FanotifyCalls.ESTALE || e == FanotifyCalls.ENOENT) {
                    continue; // deleted, or not under this mount (a bind mount of a subtree)
                }
                return unresolved("open_by_handle_at: " + FanotifyCalls.describe(e));
            }
            try {
                paths.add(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
            } catch (IOException e) {
                return unresolved("readlink /proc/self/fd/" + fd + ": " + e);
            } finally {
                FanotifyCalls.close(fd);
            }
        }
        List<Path> result = List.copyOf(paths);
        cache.put(key, result);
        return result;
    }

    /**
     * {@code dir} was renamed: cached paths at or under it are stale, and so may be the "not under
     * any mount" answers (it may have moved into one).
     */
    void forget(Path dir) {
        for (Iterator<List<Path>> it = cache.values().iterator(); it.hasNext();) {
            List<Path> paths = it.next();
            if (paths.isEmpty()) {
                it.remove();
                continue;
            }
            for (Path p : paths) {
                if (p.startsWith(dir)) {
                    it.remove();
                    break;
                }
            }
        }
    }

    private List<Path> unresolved(String why) {
        if (!warned) {
            warned = true;
            LOG.warn("Change feed: a changed directory cannot be named ({}); reported as an overflow", why);
        }
        return null;
    }

    @Override
    public void close() {
        for (List<Integer> fds : mounts.values()) {
            for (int fd : fds) {
                FanotifyCalls.close(fd);
            }
        }
        mounts.clear();
        cache.clear();
    }
}
