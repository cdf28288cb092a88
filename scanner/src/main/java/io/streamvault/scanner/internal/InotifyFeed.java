package io.streamvault.scanner.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.scanner.ChangeFeed;
import io.streamvault.scanner.Changes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A change feed from the JDK's WatchService (inotify on Linux): one watch per directory, added on
 * every directory under the root at open and on every directory that appears later. A directory
 * that appears is reported with every directory under it, since entries may be created in it
 * before its watch is added. A lost event (the kernel queue's or the JDK's per-directory overflow)
 * or a directory that cannot be watched (the watch limit, /proc/sys/fs/inotify/max_user_watches)
 * makes the result overflowed; a directory that could not be watched is tried again at each poll,
 * and until it is watched every result is overflowed.
 *
 * <p>The JDK reports no event on a watched directory itself (a chmod of the root, say), only on the
 * entries in it: the root's own changes are seen through a watch on its parent, of whose events only
 * those about the root count.
 *
 * <p>The JDK names a watch by the path it was added with, and adding a watch on a directory that
 * already has one (it was renamed) returns the same key: the path of each key is kept here and
 * moved along when that happens, and the watches under a directory name that disappears are
 * dropped.
 */
public final class InotifyFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(InotifyFeed.class);
    private static final Path MAX_WATCHES = Path.of("/proc/sys/fs/inotify/max_user_watches");

    private final WatchService service;
    private final DirChanges changes;
    private final Map<WatchKey, Path> dirOf = new HashMap<>();
    private final NavigableMap<Path, WatchKey> keyOf = new TreeMap<>(PathOrder.INSTANCE);
    /** The topmost directories that have no watch although they should. */
    private final NavigableSet<Path> unwatched = new TreeSet<>(PathOrder.INSTANCE);
    /** The watch on the root's parent, for the root's own changes; null for "/" or if it failed. */
    private WatchKey above;
    private volatile boolean closed;

    private InotifyFeed(WatchService service, DirChanges changes) {
        this.service = service;
        this.changes = changes;
    }

    /** Watches every directory under {@code root} (an absolute path to a directory). */
    public static InotifyFeed open(Path root) {
        DirChanges changes = new DirChanges(root);
        WatchService service;
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot start an inotify watch service for " + root
                    + " (instances per user: /proc/sys/fs/inotify/max_user_instances): " + e.getMessage(), e);
        }
        InotifyFeed feed = new InotifyFeed(service, changes);
        feed.watchAbove();
        feed.watchTree(changes.realRoot(), false);
        return feed;
    }

    @Override
    public Changes poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            retryUnwatched();
            WatchKey key = service.poll();
            while (true) {
                if (key != null) {
                    NavigableSet<Path> rescan = new TreeSet<>(PathOrder.INSTANCE);
                    for (; key != null; key = service.poll()) {
                        take(key, rescan);
                    }
                    rewatch(rescan);
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
                key = service.poll(left, TimeUnit.NANOSECONDS);
            }
        } catch (ClosedWatchServiceException e) {
            throw new FatalException(ErrorCode.CANCELLED, "the change feed for " + changes.realRoot() + " is closed", e);
        }
    }

    @Override
    public String kind() {
        return "inotify";
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException e) {
            LOG.warn("Closing the inotify feed of {}: {}", changes.realRoot(), e.toString());
        }
    }

    @Override
    public String toString() {
        return closed ? "closed" : "directories watched: " + dirOf.size();
    }

    private void watchAbove() {
        Path parent = changes.realRoot().getParent();
        if (parent == null) {
            return;
        }
        try {
            above = parent.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        } catch (IOException e) {
            LOG.warn("Change feed for {}: cannot watch its parent ({}); changes to the root's own metadata are"
                    + " not seen", changes.realRoot(), e.toString());
        }
    }

    /** The events of one directory. */
    private void take(WatchKey key, NavigableSet<Path> rescan) {
        if (key == above) {
            takeAbove();
            return;
        }
        Path dir = dirOf.get(key);
        List<WatchEvent<?>> events = key.pollEvents();
        if (dir == null) {
            return; // dropped here (its directory went away): its events name paths that are gone
        }
        for (WatchEvent<?> e : events) {
            if (e.kind() == OVERFLOW) {
                changes.overflow();
                rescan.add(dir); // directories created in the lost events have no watch yet
                continue;
            }
            Path name = (Path) e.context();
            if (name == null) {
                changes.addSelf(dir);
                continue;
            }
            changes.add(dir);
            Path child = dir.resolve(name);
            if (e.kind() == ENTRY_DELETE) {
                unwatch(child);
            } else if (e.kind() == ENTRY_CREATE && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                watchTree(child, true);
            }
        }
        if (!key.reset()) { // deleted, moved away, or its file system unmounted
            dirOf.remove(key);
            keyOf.remove(dir, key);
            if (dir.equals(changes.realRoot())) {
                changes.overflow();
                LOG.warn("The watched root {} was deleted, moved or unmounted: no more changes can be seen",
                        changes.realRoot());
            }
        }
    }

    /** Events beside the root are dropped; one lost may have been about the root. */
    private void takeAbove() {
        Path root = changes.realRoot();
        for (WatchEvent<?> e : above.pollEvents()) {
            if (e.kind() == OVERFLOW || root.getFileName().equals(e.context())) {
                changes.addSelf(root);
            }
        }
        above.reset();
    }

    /** Adds the watches that overflowed events may have cost, topmost directories only. */
    private void rewatch(NavigableSet<Path> dirs) {
        Path last = null;
        for (Path d : dirs) {
            if (last == null || !d.startsWith(last)) {
                watchTree(d, false);
                last = d;
            }
        }
    }

    private void retryUnwatched() {
        if (unwatched.isEmpty()) {
            return;
        }
        List<Path> retry = new ArrayList<>(unwatched);
        unwatched.clear();
        for (Path d : retry) {
            watchTree(d, true);
        }
        if (unwatched.isEmpty()) {
            LOG.info("Change feed for {}: every directory is watched again", changes.realRoot());
        }
    }

    /** Watches {@code top} and every directory under it; {@code report} reports each as changed. */
    private void watchTree(Path top, boolean report) {
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!watch(d)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (report) {
                        changes.add(d);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    if (!(e instanceof NoSuchFileException)) { // gone meanwhile: its parent reports that
                        unwatchable(f, e);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        unwatchable(d, e);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            unwatchable(top, e); // not thrown by the visitor above; kept for the compiler
        }
    }

    /** Adds a watch on {@code dir}; false when it has none (gone, or it cannot be watched). */
    private boolean watch(Path dir) {
        try {
            WatchKey k = dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
            Path before = dirOf.put(k, dir);
            if (before != null && !before.equals(dir)) {
                keyOf.remove(before, k); // the same directory, renamed: its key moves here
            }
            keyOf.put(dir, k);
            return true;
        } catch (NoSuchFileException | NotDirectoryException e) {
            return false;
        } catch (IOException e) {
            unwatchable(dir, e);
            return false;
        }
    }

    /** Drops the watches of {@code gone} and everything under it (it was deleted or renamed). */
    private void unwatch(Path gone) {
        for (Iterator<Map.Entry<Path, WatchKey>> it = keyOf.tailMap(gone, true).entrySet().iterator(); it.hasNext();) {
            Map.Entry<Path, WatchKey> e = it.next();
            if (!e.getKey().startsWith(gone)) {
                break;
            }
            it.remove();
            dirOf.remove(e.getValue());
            e.getValue().cancel();
        }
        unwatched.removeIf(p -> p.startsWith(gone));
    }

    private void unwatchable(Path dir, IOException e) {
        changes.overflow();
        if (unwatched.isEmpty()) {
            LOG.warn("Change feed for {}: cannot watch {} ({}); changes under it are reported as an overflow until it"
                    + " can be (inotify watches per user: {} = {})", changes.realRoot(), dir, e.toString(), MAX_WATCHES,
                    maxWatches());
        }
        unwatched.add(dir);
    }

    private static String maxWatches() {
        try {
            return Files.readString(MAX_WATCHES, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
