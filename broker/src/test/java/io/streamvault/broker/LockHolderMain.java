package io.streamvault.broker;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Holds the broker lock of a state directory without running a broker, and names a dead address. */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0], "broker"));
        try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock();
            Files.writeString(dir.resolve("broker.json"), "{\"bootstrap\":\"127.0.0.1:9\",\"pid\":"
                    + ProcessHandle.current().pid() + ",\"started\":\"2020-01-01T00:00:00Z\"}");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            lock.release();
        }
    }
}
