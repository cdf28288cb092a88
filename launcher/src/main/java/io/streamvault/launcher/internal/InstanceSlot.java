package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * A numbered slot of the state directory ({@code STATE/instances/N/}) held by one process for its
 * life: it gives the process a stable instance id ({@code HOST-N}), so a restarted process reuses
 * its transactional ids (fencing and aborting what its previous life left open, at once) and its
 * Kafka Streams state.
 */
public final class InstanceSlot implements AutoCloseable {
    private final int number;
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceSlot(int number, Path dir, FileChannel channel, FileLock lock) {
        this.number = number;
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    public static InstanceSlot acquire(Path stateDir) {
        for (int n = 0; n < 1000; n++) {
            Path dir = stateDir.resolve("instances").resolve(String.valueOf(n));
            try {
                Files.createDirectories(dir);
                FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    return new InstanceSlot(n, dir, ch, lock);
                }
                ch.close();
            } catch (IOException e) {
                throw new FatalException(ErrorCode.IO_ERROR, "cannot use state directory " + stateDir + ": " + e.getMessage(), e);
            }
        }
        throw new FatalException(ErrorCode.STATE_LOCKED, "all instance slots of " + stateDir + " are taken");
    }

    public int number() {
        return number;
    }

    /**
     * The instance id of the process holding this slot: {@code instance.id} when set, else
     * {@code HOST-TAG-N}, where TAG is random, made once per slot and kept in the slot, so two
     * state directories on one host never share an id and a restart keeps its own.
     */
    public String instanceId(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured + (number == 0 ? "" : "-" + number);
        }
        Path file = dir.resolve("id");
        try {
            String tag;
            if (Files.exists(file)) {
                tag = Files.readString(file).strip();
            } else {
                tag = String.format("%06x", new SecureRandom().nextInt(1 << 24));
                Files.writeString(file, tag + "\n");
            }
            return Hosts.hostname() + "-" + tag + "-" + number;
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path streamsDir() {
        return dir.resolve("streams");
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
