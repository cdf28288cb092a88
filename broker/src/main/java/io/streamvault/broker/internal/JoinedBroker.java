package io.streamvault.broker.internal;

import io.streamvault.broker.LocalBroker;

/** A broker that another process, or another owner in this JVM, runs. Closing it does nothing. */
record JoinedBroker(String bootstrapServers, String runBy) implements LocalBroker {
    @Override
    public boolean owned() {
        return false;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "broker at " + bootstrapServers + " (run by " + runBy + ")";
    }
}
