package io.streamvault.broker.internal;

import io.streamvault.broker.LocalBroker;

/** The broker this process runs: closing it shuts the server down, then releases the lock. */
final class OwnedBroker implements LocalBroker {
    private final BrokerFiles files;
    private final StateLock lock;
    private final KafkaNode node;
    private boolean closed;

    OwnedBroker(BrokerFiles files, StateLock lock, KafkaNode node) {
        this.files = files;
        this.lock = lock;
        this.node = node;
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
            files.deleteInfo();
            node.stop();
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
