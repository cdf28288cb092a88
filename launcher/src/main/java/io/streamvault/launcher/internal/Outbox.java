package io.streamvault.launcher.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines an agent sends one local command, written by a thread of their own: a command that stops
 * reading (suspended with Ctrl-Z, or a pipe nobody reads) then holds up only its own connection, never
 * the agent's queue of jobs nor the job it follows. Lines go out in the order given; a progress line
 * not yet written when a newer one comes is replaced by it (only the latest progress matters).
 */
final class Outbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** How long a command that does not read is still waited for once the agent stops. */
    static final Duration STOPPING_GRACE = Duration.ofSeconds(30);
    private final OutputStream out;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    /** The newest progress line, after every line in {@link #lines}; null when there is none. */
    private String progress;
    /** No more lines are taken: the connection is closing, or the command went away. */
    private boolean closed;
    private final Thread writer;
    private final Duration stoppingGrace;

    Outbox(OutputStream out) {
        this(out, STOPPING_GRACE);
    }

    /** @param stoppingGrace how long a command that does not read is still waited for once the agent stops */
    Outbox(OutputStream out, Duration stoppingGrace) {
        this.out = out;
        this.stoppingGrace = stoppingGrace;
        this.writer = new Thread(this::write, "agent-client-out");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a line that must reach the command (never blocks). */
    synchronized void send(String line) {
        if (closed) {
            return;
        }
        if (progress != null) {
            lines.add(progress); // it came first
            progress = null;
        }
        lines.add(line);
        notifyAll();
    }

    /** Queues a progress line, replacing one not written yet (never blocks). */
    synchronized void progress(String line) {
        if (closed) {
            return;
        }
        progress = line;
        notifyAll();
    }

    private void write() {
        while (true) {
            String line;
            synchronized (this) {
                while (lines.isEmpty() && progress == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!lines.isEmpty()) {
                    line = lines.poll();
                } else if (progress != null) {
                    line = progress;
                    progress = null;
                } else {
                    return; // closed, and everything written
                }
            }
            try {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                LOG.info("a local command went away: {}", e.toString());
                synchronized (this) {
                    closed = true;
                    lines.clear();
                    progress = null;
                }
                return;
            }
        }
    }

    /**
     * Waits until every line queued is written (or the command went away). Only the connection's own
     * thread waits here, for as long as its command does not read, unless {@code stopping} turns true:
     * then for the stopping grace ({@link #STOPPING_GRACE}) more at most, and what is left is not
     * written (a suspended command would otherwise hold the agent's stop for ever).
     */
    void close(BooleanSupplier stopping) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        long giveUpAt = Long.MAX_VALUE;
        try {
            while (writer.isAlive()) {
                writer.join(200);
                if (giveUpAt == Long.MAX_VALUE && stopping.getAsBoolean()) {
                    giveUpAt = System.nanoTime() + stoppingGrace.toNanos();
                }
                if (System.nanoTime() > giveUpAt) {
                    LOG.info("a local command has not read its last lines within {} of the agent's stop: closed",
                            stoppingGrace);
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt(); // a write that waits ends: the channel closes
        }
    }

    @Override
    public void close() {
        close(() -> false);
    }
}
