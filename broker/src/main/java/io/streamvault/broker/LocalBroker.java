package io.streamvault.broker;

import java.nio.file.Path;

/**
 * The broker of a state directory ({@code STATE/broker/}). At most one process runs it: the first
 * to take the directory's lock starts an in-process KRaft broker (formatting storage on first use)
 * and writes its bootstrap address to {@code STATE/broker/broker.json}; every other process that
 * asks finds the lock held and connects to that address instead.
 */
public interface LocalBroker extends AutoCloseable {

    /**
     * Starts the broker of this state directory, or joins the one another process runs. Fails with
     * STATE_LOCKED when the lock is held but the running broker does not answer, and with
     * BROKER_UNREACHABLE when it cannot start.
     */
    static LocalBroker acquire(Path stateDir) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** host:port of the PLAINTEXT listener. */
    String bootstrapServers();

    /** True when this process runs the broker (and closing stops it). */
    boolean owned();

    /** Stops the broker if this process owns it (clean shutdown), else does nothing. */
    @Override
    void close();
}
