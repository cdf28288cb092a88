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
    /**
     * How long closing waits for the last record before it gives up on it: well within the 90 s an
     * agent's shutdown hook allows for everything (the broker and the vault close after this).
     */
    private static final long CLOSE_WAIT_MS = 45_000L;
    private final Vault vault;
    private final long intervalMs;
    private final Set<String> waiting = new LinkedHashSet<>();
    private final Thread thread;
    /** When the next measurement may start. */
    private long nextMs = Long.MIN_VALUE;
    private boolean closing;
    /** A record was measured since closing began: no other starts. */
    private boolean measuredWhileClosing;

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
                if (waiting.isEmpty() || closing && measuredWhileClosing) {
                    if (!waiting.isEmpty()) {
                        LOG.info("closing: {} sealed snapshots left to the next capacity record", waiting.size());
                    }
                    return; // closing: one last record at most, then nothing left
                }
                batch = new ArrayList<>(waiting);
                waiting.clear();
            }
            long start = System.currentTimeMillis();
            try {
                CapacityHistory.recordQuietly(vault, CapacityHistory.Trigger.BACKUP, batch, null);
            } catch (Throwable t) { // out of memory, say: the recorder lives on, the backups were never affected
                LOG.warn("the vault's capacity was not recorded after {} snapshots: {}", batch.size(), t.toString());
            }
            long took = System.currentTimeMillis() - start;
            synchronized (this) {
                nextMs = start + Math.max(intervalMs, 10 * took);
                measuredWhileClosing = closing;
            }
        }
    }

    /**
     * Records what is waiting, then stops: the measurement under way (which covers what it started
     * with) or, if none is, one last one; snapshots sealed meanwhile are left to the next record.
     */
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
