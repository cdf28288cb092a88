package io.streamvault.maintenance;

import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the vault's capacity after backups, on a thread of its own so that sealing never waits for
 * it (docs/capacity.md, When a record is written). Snapshots sealed while a record is being measured,
 * or too soon after the last one, wait and are covered together by the next record, which names them
 * all: one measurement at a time, one per {@code intervalMs} at most, and never more than a tenth of
 * the time spent measuring (a measurement that took 20 s waits 200 s for the next), however fast
 * backups come and however large the vault is. Closing records what is waiting before it returns. A
 * failure is a warning; the backup is never affected.
 */
public final class CapacityRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityRecorder.class);
    /** How long closing waits for the last record before it gives up on it. */
    private static final long CLOSE_WAIT_MS = 10 * 60_000L;
    private final Vault vault;
    private final long intervalMs;
    private final Set<String> waiting = new LinkedHashSet<>();
    private final Thread thread;
    /** When the next measurement may start. */
    private long nextMs = Long.MIN_VALUE;
    private boolean closing;

    public CapacityRecorder(Vault vault, long intervalMs) {
        this.vault = vault;
        this.intervalMs = intervalMs;
        this.thread = new Thread(this::loop, "capacity-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    /** A snapshot was sealed: a record will cover it. Never blocks, never throws. */
    public synchronized void sealed(String snapshotId) {
        if (waiting.add(snapshotId)) {
            notifyAll();
        }
    }

    private void loop() {
        while (true) {
            List<String> batch;
            synchronized (this) {
                try {
                    while (!closing && (waiting.isEmpty() || System.currentTimeMillis() < nextMs)) {
                        // nothing waiting: until told (0); else until the next measurement may start (at least 1 ms)
                        wait(waiting.isEmpty() ? 0 : Math.max(1, nextMs - System.currentTimeMillis()));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (waiting.isEmpty()) {
                    return; // closing, nothing left
                }
                batch = new ArrayList<>(waiting);
                waiting.clear();
            }
            long start = System.currentTimeMillis();
            CapacityHistory.recordQuietly(vault, CapacityHistory.Trigger.BACKUP, batch, null);
            long took = System.currentTimeMillis() - start;
            synchronized (this) {
                nextMs = start + Math.max(intervalMs, 10 * took);
            }
        }
    }

    /** Records what is waiting, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the vault's capacity was not recorded after the last backups: measuring took over {} s",
                    CLOSE_WAIT_MS / 1000);
        }
    }
}
