package io.streamvault.broker.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processes that use a state directory's broker, its owner included: each holds the lock of its
 * own file {@code STATE/broker/users/PID.lock} while it has the broker open (a {@link
 * io.streamvault.broker.LocalBroker} not yet closed). The owner
 * asks before it stops of its own accord (an agent that has been idle), because the broker leaves
 * with it and every other process that joined it would lose its cluster.
 */
public final class BrokerUsers {
    /** This process's use of one broker: its lock, and how many handles ({@link LocalBroker}s) are open. */
    private static final class Use {
        StateLock lock;
        int handles;
    }

    private static final Map<Path, Use> MINE = new ConcurrentHashMap<>();
    /** A file younger than this that no one locks may be a process's that is about to: it counts as in use. */
    static final long FRESH_MS = 10_000;

    private BrokerUsers() {
    }

    /** This process uses the broker of {@code files} (one more handle; the lock is taken with the first). */
    static void register(BrokerFiles files) {
        synchronized (MINE) {
            Use use = MINE.computeIfAbsent(files.dir(), d -> new Use());
            if (use.handles++ == 0) {
                try {
                    Files.createDirectories(files.users());
                } catch (IOException e) {
                    use.handles--;
                    throw new FatalException(ErrorCode.IO_ERROR, "cannot create " + files.users() + ": " + e.getMessage(), e);
                }
                use.lock = StateLock.tryTake(mine(files)).orElse(null);
            }
        }
    }

    /** One handle closed; with the last, this process no longer counts as a user. */
    static void release(BrokerFiles files) {
        synchronized (MINE) {
            Use use = MINE.get(files.dir());
            if (use == null || --use.handles > 0) {
                return;
            }
            MINE.remove(files.dir());
            if (use.lock != null) {
                use.lock.close();
                try {
                    Files.deleteIfExists(mine(files));
                } catch (IOException e) {
                    // an unlocked file counts as no user; the next look removes it
                }
            }
        }
    }

    private static Path mine(BrokerFiles files) {
        return files.users().resolve(ProcessHandle.current().pid() + ".lock");
    }

    /** How many other live processes use the broker of {@code stateDir}; files of ended ones are removed. */
    public static int others(Path stateDir) {
        BrokerFiles files = new BrokerFiles(stateDir);
        String mine = ProcessHandle.current().pid() + ".lock";
        int n = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(files.users(), "*.lock")) {
            for (Path f : all) {
                if (f.getFileName().toString().equals(mine)) {
                    continue;
                }
                Optional<StateLock> free;
                try {
                    free = StateLock.tryTake(f);
                } catch (RuntimeException e) {
                    n++; // a file this process may not lock (another user's): counted as in use
                    continue;
                }
                if (free.isEmpty()) {
                    n++;
                } else {
                    free.get().close();
                    if (System.currentTimeMillis() - Files.getLastModifiedTime(f).toMillis() < FRESH_MS) {
                        n++; // just made by a process that has not locked it yet
                    } else {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            return n; // no users directory: nobody registered
        }
        return n;
    }
}
