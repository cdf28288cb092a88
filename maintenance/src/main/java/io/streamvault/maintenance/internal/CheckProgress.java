package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker;
import java.util.concurrent.atomic.AtomicLong;

/** How far a check is: the caller's progress, and the bytes of blobs read so far. Thread-safe. */
final class CheckProgress {
    private final Checker.Progress progress;
    private final AtomicLong bytesRead = new AtomicLong();

    CheckProgress(Checker.Progress progress) {
        this.progress = progress;
    }

    void update(String phase, long done, long total) {
        progress.update(phase, done, total, bytesRead.get());
    }

    void read(long bytes) {
        bytesRead.addAndGet(bytes);
    }

    long bytesRead() {
        return bytesRead.get();
    }
}
