package io.streamvault.broker;

import io.streamvault.broker.internal.BrokerUsers;
import io.streamvault.broker.internal.Brokers;
import io.streamvault.broker.internal.Foreground;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The broker of a state directory ({@code STATE/broker/}). At most one process runs it: the first
 * to take the directory's lock starts an in-process KRaft broker (formatting storage on first use)
 * and writes its bootstrap address to {@code STATE/broker/broker.json}; every other process that
 * asks finds the lock held and connects to that address instead. A later start listens on the port
 * of the previous one again ({@code STATE/broker/port}) when it is free, so that clients given the
 * address (a separate {@code streamvault broker}) find it after a restart.
 */
public interface LocalBroker extends AutoCloseable {

    /** How long {@link #acquire(Path)} waits for a broker that another process runs (or is starting). */
    Duration JOIN_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Starts the broker of this state directory, or joins the one another process runs. Fails with
     * STATE_LOCKED when the lock is held but the running broker does not answer, and with
     * BROKER_UNREACHABLE when it cannot start.
     */
    static LocalBroker acquire(Path stateDir) {
        return acquire(stateDir, JOIN_TIMEOUT);
    }

    /**
     * As {@link #acquire(Path)}, waiting at most {@code joinTimeout} for the broker of another process
     * to answer (for example {@code cluster.timeout.ms}).
     */
    static LocalBroker acquire(Path stateDir, Duration joinTimeout) {
        return Brokers.acquire(stateDir, joinTimeout);
    }

    /**
     * Runs the broker of this state directory in this process until the JVM is asked to stop
     * (SIGTERM or SIGINT), then shuts it down cleanly. Prints {@code bootstrap.servers=HOST:PORT} to
     * {@code out} once the broker answers. Fails with STATE_LOCKED when another process runs it.
     */
    static void runForeground(Path stateDir, PrintStream out) {
        runForeground(stateDir, out, broker -> null);
    }

    /**
     * As {@link #runForeground(Path, PrintStream)}, also running what {@code alongside} starts once the
     * broker answers (for example the registry's HTTP server), which is closed before the broker stops.
     */
    static void runForeground(Path stateDir, PrintStream out, Function<LocalBroker, AutoCloseable> alongside) {
        Foreground.run(stateDir, out, alongside);
    }

    /**
     * How many other processes that are still alive have used the broker of {@code stateDir} (its
     * owner included, when that is another process): an owner that stops of its own accord would
     * take the cluster away from them.
     */
    static int otherUsers(Path stateDir) {
        return BrokerUsers.others(stateDir);
    }

    /** host:port of the PLAINTEXT listener. */
    String bootstrapServers();

    /** True when this process runs the broker (and closing stops it). */
    boolean owned();

    /** Stops the broker if this process owns it (clean shutdown), else does nothing. */
    @Override
    void close();
}
