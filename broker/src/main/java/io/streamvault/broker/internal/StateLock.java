package io.streamvault.broker.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on a file, held until {@link #close()} or until the process ends (the operating
 * system releases it when the process dies, so a crash never leaves the directory locked).
 */
final class StateLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process (or another holder in this JVM) has it. */
    static Optional<StateLock> tryTake(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot open the lock file " + file + ": " + e, e);
        }
        try {
            FileLock l = ch.tryLock();
            if (l != null) {
                return Optional.of(new StateLock(ch, l));
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM through another channel
        } catch (IOException e) {
            closeQuietly(ch);
            throw new FatalException(ErrorCode.IO_ERROR, "cannot lock " + file + ": " + e, e);
        }
        closeQuietly(ch);
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
