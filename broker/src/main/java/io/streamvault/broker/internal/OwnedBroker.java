package io.streamvault.broker.internal;

import io.streamvault.broker.LocalBroker;

/**
 * The broker this process runs, with the sweep that ends its hanging transactions: closing it stops
 * the sweep, shuts the server down, then releases the lock.
 */
final class OwnedBroker implements LocalBroker {
    private final BrokerFiles files;
    private final StateLock lock;
    private final KafkaNode node;
    private final HangingTransactions hanging;
    private boolean closed;

    OwnedBroker(BrokerFiles files, StateLock lock, KafkaNode node, HangingTransactions hanging) {
        this.files = files;
        this.lock = lock;
        this.node = node;
        this.hanging = hanging;
    }

    BrokerFiles files() {
        return files;
    }

    @Override
    public String bootstrapServers() {
        return node.bootstrap();
    }

    @Override
    public boolean owned() {
        return true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            try {
                hanging.close();
            } finally {
                files.deleteInfo();
                node.stop();
            }
        } finally {
            Brokers.forget(this);
            lock.close();
            BrokerUsers.release(files);
        }
    }

    @Override
    public String toString() {
        return "broker at " + bootstrapServers() + " (running in this process, " + files.dir() + ")";
    }
}
