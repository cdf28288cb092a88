package io.streamvault.common.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Kafka Streams topology: bounded RocksDB memory, and a failed stream thread is replaced
 * (its tasks resume from the last commit, exactly-once) after a pause, while the listener hears of it.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private final String name;
    private final KafkaStreams streams;

    public StreamsApp(String name, Topology topology, Properties props, WorkerListener listener) {
        this.name = name;
        Properties p = new Properties();
        p.putAll(props);
        p.put("rocksdb.config.setter", BoundedRocksDb.class.getName());
        p.putIfAbsent("client.id", name); // stream threads are then named NAME-StreamThread-N
        this.streams = new KafkaStreams(topology, p);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                listener.recovered(name); // threads replaced after a failure are processing again
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.warn("{}: stream thread failed: {}; replacing it", name, e.toString());
            listener.retrying(name, e instanceof Exception ex ? ex : new RuntimeException(e), System.currentTimeMillis());
            try {
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public String name() {
        return name;
    }

    public void start() {
        streams.start();
    }

    /** Waits until the topology is running (all tasks assigned and restored), or the timeout passes. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Closes cleanly and leaves the group, so the next start of this application does not wait for
     * the session timeout of a member that is gone.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
