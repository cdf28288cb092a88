package io.streamvault.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.scanner.internal.FanotifyFeed;
import io.streamvault.scanner.internal.FeedUnavailableException;
import io.streamvault.scanner.internal.InotifyFeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each change feed on a real directory tree: what it reports for files and directories created,
 * written, chmod-ed, renamed and deleted at depth, for trees that appear whole, and what it leaves
 * out. fanotify is tried for real and skipped, with the kernel's reason, where it cannot run.
 */
class ChangeFeedTest {
    /** How long a change may take to be reported. */
    private static final Duration WITHIN = Duration.ofSeconds(5);

    enum Impl { FANOTIFY, INOTIFY }

    @TempDir
    Path tmp;

    static ChangeFeed open(Impl impl, Path root) {
        if (impl == Impl.INOTIFY) {
            return InotifyFeed.open(root);
        }
        try {
            return FanotifyFeed.open(root);
        } catch (FeedUnavailableException e) {
            assumeTrue(false, "fanotify is not available here: " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    /**
     * Polls until every expected directory was reported (or {@link #WITHIN} passed), then once more
     * briefly for any stray one; returns all that were reported. No poll may report an overflow.
     */
    static Set<Path> reported(ChangeFeed feed, Set<Path> expected) throws InterruptedException {
        Set<Path> seen = new HashSet<>();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
            Changes c = feed.poll(Duration.ofMillis(200));
            assertFalse(c.overflowed(), "overflowed");
            seen.addAll(c.dirs());
        }
        Changes late = feed.poll(Duration.ofMillis(50));
        assertFalse(late.overflowed(), "overflowed");
        seen.addAll(late.dirs());
        return seen;
    }

    static void assertReported(ChangeFeed feed, Path... expected) throws InterruptedException {
        assertEquals(Set.of(expected), reported(feed, Set.of(expected)));
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private Path tree() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("a/b/c"));
        Files.createDirectories(root.resolve("d/e"));
        write(root.resolve("a/b/c/f"), "one");
        write(root.resolve("d/e/g"), "two");
        return root;
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void kindNamesTheImplementation(Impl impl) throws IOException {
        try (ChangeFeed feed = open(impl, tree())) {
            assertEquals(impl.name().toLowerCase(), feed.kind());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void nothingChangedIsReportedAsNothingOnceTheTimeoutPassed(Impl impl) throws Exception {
        try (ChangeFeed feed = open(impl, tree())) {
            long start = System.nanoTime();
            Changes c = feed.poll(Duration.ofMillis(200));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(c.isEmpty(), c::toString);
            assertTrue(tookMs >= 190, "returned after " + tookMs + " ms");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void filesChangedAtDepthReportTheirDirectory(Impl impl) throws Exception {
        Path root = tree();
        Path c = root.resolve("a/b/c");
        Path e = root.resolve("d/e");
        try (ChangeFeed feed = open(impl, root)) {
            write(c.resolve("new"), "created");
            assertReported(feed, c);
            Files.writeString(c.resolve("f"), " appended", StandardOpenOption.APPEND);
            assertReported(feed, c);
            Files.setPosixFilePermissions(c.resolve("f"), PosixFilePermissions.fromString("rw-------"));
            assertReported(feed, c);
            Files.move(c.resolve("f"), e.resolve("moved"));
            assertReported(feed, c, e);
            Files.delete(e.resolve("g"));
            assertReported(feed, e);
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void directoriesChangedAtDepthReportTheirParentAndANewOneItself(Impl impl) throws Exception {
        Path root = tree();
        Path b = root.resolve("a/b");
        Path d = root.resolve("d");
        try (ChangeFeed feed = open(impl, root)) {
            Files.createDirectory(b.resolve("x"));
            assertReported(feed, b, b.resolve("x"));
            Files.setPosixFilePermissions(b.resolve("c"), PosixFilePermissions.fromString("rwx------"));
            assertReported(feed, b);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x---"));
            assertReported(feed, root);
            Files.move(b.resolve("x"), d.resolve("y"));
            assertReported(feed, b, d, d.resolve("y"));
            Files.delete(d.resolve("y"));
            assertReported(feed, d);
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aNewDirectoryIsReportedWithTheDirectoriesCreatedRightInsideIt(Impl impl) throws Exception {
        Path root = tree();
        try (ChangeFeed feed = open(impl, root)) {
            Path deep = Files.createDirectories(root.resolve("n/x/y"));
            write(root.resolve("n/first"), "1");
            write(deep.resolve("second"), "2");
            assertReported(feed, root, root.resolve("n"), root.resolve("n/x"), deep);
            write(deep.resolve("third"), "3");
            assertReported(feed, deep);
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aTreeMovedInIsReportedWholeAndWatchedFromThen(Impl impl) throws Exception {
        Path root = tree();
        Path outside = Files.createDirectories(tmp.resolve("outside/t/u/v"));
        write(outside.resolve("file"), "x");
        try (ChangeFeed feed = open(impl, root)) {
            Files.move(tmp.resolve("outside/t"), root.resolve("a/t"));
            Path t = root.resolve("a/t");
            assertReported(feed, root.resolve("a"), t, t.resolve("u"), t.resolve("u/v"));
            write(t.resolve("u/v/later"), "y");
            assertReported(feed, t.resolve("u/v"));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aRenamedDirectoryIsReportedUnderItsNewNameFromThen(Impl impl) throws Exception {
        Path root = tree();
        Path a = root.resolve("a");
        try (ChangeFeed feed = open(impl, root)) {
            write(a.resolve("b/c/seen"), "1"); // the feed now knows a/b/c by that name
            assertReported(feed, a.resolve("b/c"));
            Files.move(a.resolve("b"), a.resolve("q"));
            assertReported(feed, a, a.resolve("q"), a.resolve("q/c"));
            write(a.resolve("q/c/after"), "2");
            assertReported(feed, a.resolve("q/c"));
            Files.move(a.resolve("q"), tmp.resolve("away"));
            assertReported(feed, a);
            write(tmp.resolve("away/c/gone"), "3");
            Files.createDirectory(root.resolve("d/z"));
            assertReported(feed, root.resolve("d"), root.resolve("d/z"));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void changesOutsideTheRootAreNotReported(Impl impl) throws Exception {
        Path root = tree();
        Path sibling = Files.createDirectories(tmp.resolve("sibling/deep"));
        try (ChangeFeed feed = open(impl, root)) {
            write(sibling.resolve("file"), "x");
            write(tmp.resolve("beside"), "y");
            assertTrue(feed.poll(Duration.ofMillis(200)).isEmpty());
            write(root.resolve("d/e/inside"), "z");
            assertReported(feed, root.resolve("d/e"));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aRootGivenThroughASymlinkIsReportedAsGiven(Impl impl) throws Exception {
        Path root = tree();
        Path link = Files.createSymbolicLink(tmp.resolve("link"), root);
        try (ChangeFeed feed = open(impl, link)) {
            write(root.resolve("a/b/new"), "x");
            assertReported(feed, link.resolve("a/b"));
        }
    }

    /** Renames one file {@code times} times in {@code dir}: two events a rename, each with a new name. */
    static void renameOften(Path dir, int times) throws IOException {
        Path cur = Files.createFile(dir.resolve("r0"));
        for (int i = 1; i <= times; i++) {
            cur = Files.move(cur, dir.resolve("r" + i));
        }
    }

    /** Polls until a result says overflowed (true) or {@link #WITHIN} passed (false). */
    static boolean overflows(ChangeFeed feed) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (feed.poll(Duration.ofMillis(200)).overflowed()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JDK keeps at most 512 events per watched directory between two polls and then signals an
     * overflow: 600 renames in one directory lose events. A directory created in the lost events has
     * its watch added all the same (the overflowed directory is walked again).
     */
    @Test
    void inotifyReportsLostEventsAsAnOverflowAndWatchesWhatTheyHid() throws Exception {
        Path root = tree();
        Path a = root.resolve("a");
        try (ChangeFeed feed = InotifyFeed.open(root)) {
            renameOften(a, 600);
            Path late = Files.createDirectory(a.resolve("late"));
            Thread.sleep(300); // lets the JDK's inotify thread queue every event before the first poll
            assertTrue(overflows(feed), "no overflow reported");
            write(late.resolve("file"), "x");
            assertReported(feed, late);
        }
    }

    /** fanotify's kernel queue holds 16384 events: 20000 renames overflow it. */
    @Test
    void fanotifyReportsAQueueOverflow() throws Exception {
        Path root = tree();
        try (ChangeFeed feed = open(Impl.FANOTIFY, root)) {
            renameOften(root.resolve("a"), 20_000);
            assertTrue(overflows(feed), "no overflow reported");
            write(root.resolve("d/after"), "x");
            assertTrue(reported(feed, Set.of(root.resolve("d"))).contains(root.resolve("d")));
        }
    }

    /** What a poll of 30 s in another thread ends with, once {@code stop} was applied to it after 100 ms. */
    static Throwable pollEndedBy(ChangeFeed feed, Consumer<Thread> stop) throws Exception {
        FutureTask<Changes> task = new FutureTask<>(() -> feed.poll(Duration.ofSeconds(30)));
        Thread poller = new Thread(task, "poller");
        poller.start();
        Thread.sleep(100);
        stop.accept(poller);
        return assertThrows(ExecutionException.class, () -> task.get(5, TimeUnit.SECONDS)).getCause();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aWaitingPollEndsWhenItsThreadIsInterrupted(Impl impl) throws Exception {
        try (ChangeFeed feed = open(impl, tree())) {
            assertInstanceOf(InterruptedException.class, pollEndedBy(feed, Thread::interrupt));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aWaitingPollEndsWhenTheFeedIsClosed(Impl impl) throws Exception {
        ChangeFeed feed = open(impl, tree());
        Throwable t = pollEndedBy(feed, poller -> feed.close());
        assertInstanceOf(FatalException.class, t);
        assertEquals(ErrorCode.CANCELLED, ((FatalException) t).code());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aClosedFeedRefusesToPoll(Impl impl) throws Exception {
        ChangeFeed feed = open(impl, tree());
        feed.close();
        FatalException e = assertThrows(FatalException.class, () -> feed.poll(Duration.ofMillis(10)));
        assertEquals(ErrorCode.CANCELLED, e.code());
    }
}
