package io.streamvault.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.scanner.internal.FanotifyFeed;
import io.streamvault.scanner.internal.FeedUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChangeFeeds#open}: fanotify where it can run, inotify where it cannot. The fallback is
 * taken for real: a thread that gives up CAP_SYS_ADMIN (capabilities are per thread on Linux) is
 * refused fanotify_init by the kernel.
 */
class ChangeFeedsTest {
    @TempDir
    Path tmp;

    /** capget(2)/capset(2) with _LINUX_CAPABILITY_VERSION_3: data is two {effective, permitted, inheritable}. */
    interface Caps extends Library {
        int VERSION_3 = 0x20080522;
        int CAP_SYS_ADMIN = 21;

        int capget(int[] header, int[] data);

        int capset(int[] header, int[] data);
    }

    /** Runs {@code work} in a new thread without CAP_SYS_ADMIN in its effective set; the thread then ends. */
    static <T> T withoutSysAdmin(Callable<T> work) throws Exception {
        assumeTrue(Platform.isLinux(), "capabilities are a Linux notion");
        Caps caps = Native.load(Platform.C_LIBRARY_NAME, Caps.class);
        FutureTask<T> task = new FutureTask<>(() -> {
            int[] header = {Caps.VERSION_3, 0};
            int[] data = new int[6];
            assertEquals(0, caps.capget(header, data), "capget");
            data[0] &= ~(1 << Caps.CAP_SYS_ADMIN);
            assertEquals(0, caps.capset(header, data), "capset");
            return work.call();
        });
        Thread t = new Thread(task, "without-CAP_SYS_ADMIN");
        t.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Test
    void fanotifyIsChosenWhereItCanRun() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        try {
            FanotifyFeed.open(root).close();
        } catch (FeedUnavailableException e) {
            assumeTrue(false, "fanotify is not available here: " + e.getMessage());
        }
        try (ChangeFeed feed = ChangeFeeds.open(root)) {
            assertEquals("fanotify", feed.kind());
        }
    }

    @Test
    void withoutCapSysAdminFanotifyIsRefusedWithTheReasonAndInotifyServes() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        FeedUnavailableException refused = withoutSysAdmin(
                () -> assertThrows(FeedUnavailableException.class, () -> FanotifyFeed.open(root)));
        // Since Linux 5.13 fanotify_init itself is allowed; the mark on a whole file system is not.
        assertTrue(refused.getMessage().startsWith("fanotify_init: ")
                || refused.getMessage().startsWith("fanotify_mark(FAN_MARK_FILESYSTEM) on " + root + ": "),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("(errno 1): needs CAP_SYS_ADMIN"), refused.getMessage());

        try (ChangeFeed feed = withoutSysAdmin(() -> ChangeFeeds.open(root))) {
            assertEquals("inotify", feed.kind());
            Files.createDirectory(root.resolve("sub"));
            ChangeFeedTest.assertReported(feed, root, root.resolve("sub"));
        }
    }

    @Test
    void aRootThatIsNoDirectoryIsRefused() throws Exception {
        Path file = Files.createFile(tmp.resolve("file"));
        FatalException e = assertThrows(FatalException.class, () -> ChangeFeeds.open(file));
        assertEquals(ErrorCode.SOURCE_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        FatalException missing = assertThrows(FatalException.class, () -> ChangeFeeds.open(tmp.resolve("missing")));
        assertEquals(ErrorCode.SOURCE_NOT_FOUND, missing.code());
    }
}
