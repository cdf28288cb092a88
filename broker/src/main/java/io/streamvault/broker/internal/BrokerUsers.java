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
 * own file {@code STATE/broker/users/PID.lock} from its first use of the broker to its end. The owner
 * asks before it stops of its own accord (an agent that has been idle), because the broker leaves
 * with it and every other process that joined it would lose its cluster.
 */
public final class BrokerUsers {
    private static final Map<Path, StateLock> MINE = new ConcurrentHashMap<>();

    private BrokerUsers() {
    }

    /** This process uses the broker of {@code files} (once per process and state directory). */
    static void register(BrokerFiles files) {
        MINE.computeIfAbsent(files.dir(), d -> {
            try {
                Files.createDirectories(files.users());
            } catch (IOException e) {
                throw new FatalException(ErrorCode.IO_ERROR, "cannot create " + files.users() + ": " + e.getMessage(), e);
            }
            return StateLock.tryTake(files.users().resolve(ProcessHandle.current().pid() + ".lock")).orElse(null);
        });
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
                Optional<StateLock> free = StateLock.tryTake(f);
                if (free.isEmpty()) {
                    n++;
                } else {
                    free.get().close();
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            return n; // no users directory: nobody registered
        }
        return n;
    }
}
