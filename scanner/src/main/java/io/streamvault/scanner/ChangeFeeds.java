package io.streamvault.scanner;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.scanner.internal.FanotifyFeed;
import io.streamvault.scanner.internal.FeedUnavailableException;
import io.streamvault.scanner.internal.InotifyFeed;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the best change feed this machine offers for a root. */
public final class ChangeFeeds {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeeds.class);

    private ChangeFeeds() {
    }

    /**
     * A fanotify feed when the process may use one (CAP_SYS_ADMIN, Linux 5.9 or later, every file
     * system under the root able to report file handles), else an inotify feed; logs which and why.
     * A root that is not a directory is refused (FatalException SOURCE_NOT_FOUND).
     */
    public static ChangeFeed open(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new FatalException(ErrorCode.SOURCE_NOT_FOUND, "cannot watch " + abs + ": not a directory");
        }
        try {
            ChangeFeed feed = FanotifyFeed.open(abs);
            LOG.info("Change feed for {}: fanotify ({})", abs, feed);
            return feed;
        } catch (FeedUnavailableException e) {
            ChangeFeed feed = InotifyFeed.open(abs);
            LOG.info("Change feed for {}: inotify ({}), because fanotify is unavailable: {}", abs, feed,
                    e.getMessage());
            return feed;
        }
    }
}
