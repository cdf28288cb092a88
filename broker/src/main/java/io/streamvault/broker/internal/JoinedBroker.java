package io.streamvault.broker.internal;

import io.streamvault.broker.LocalBroker;

/** A broker that another process, or another owner in this JVM, runs. Closing it only ends this use of it. */
record JoinedBroker(String bootstrapServers, String runBy, BrokerFiles files) implements LocalBroker {
    @Override
    public boolean owned() {
        return false;
    }

    @Override
    public void close() {
        BrokerUsers.release(files);
    }

    @Override
    public String toString() {
        return "broker at " + bootstrapServers + " (run by " + runBy + ")";
    }
}
