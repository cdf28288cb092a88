package io.streamvault.common.fs;

/**
 * When a file's timestamps can vouch for a read of it (git's "racily clean" entries). A write moves
 * mtime and ctime once, when it starts, and only to the file system's clock tick (a kernel's coarse
 * clock: up to 10 ms; whole seconds on some file systems): a write still copying while the file is
 * read, or a second write within the tick of the last one, leaves the timestamps as they were
 * before and after the read. Once the window of {@link #calmNs} has passed since the last change,
 * any later write shows in mtime, and a read that starts then and sees the same timestamps after it
 * is whole. The chunker waits for that moment before it reads a racy file again (docs/pipeline.md,
 * "Files that change while they are read").
 */
public final class RacyTimestamps {
    /**
     * The window for timestamps with a fraction of a second: a coarse clock tick (up to 10 ms) plus
     * the longest single write(2) still copying that it covers (90 ms, a few hundred MiB).
     */
    public static final long WINDOW_NS = 100_000_000L;
    /**
     * The window for timestamps in whole seconds (FAT's tick is 2 s; some network and parallel file
     * systems keep whole seconds): the tick plus the same allowance for a write still copying.
     */
    public static final long COARSE_WINDOW_NS = 3_000_000_000L;

    private RacyTimestamps() {
    }

    /**
     * When the timestamps of {@code m} can vouch for a read that starts then (ns since the epoch):
     * its last change (mtime or ctime, whichever is later) plus the window for its granularity.
     */
    public static long calmNs(FileMeta m) {
        return Math.max(m.mtimeNs(), m.ctimeNs()) + windowNs(m);
    }

    /** The window for the granularity of {@code m}'s timestamps. */
    public static long windowNs(FileMeta m) {
        boolean wholeSeconds = m.mtimeNs() % 1_000_000_000L == 0 && m.ctimeNs() % 1_000_000_000L == 0;
        return wholeSeconds ? COARSE_WINDOW_NS : WINDOW_NS;
    }

    /** True when a read that started at {@code startNs} cannot rely on the timestamps of {@code m}. */
    public static boolean racy(FileMeta m, long startNs) {
        return startNs < calmNs(m);
    }
}
