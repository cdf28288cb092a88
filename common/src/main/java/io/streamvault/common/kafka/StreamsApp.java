package io.streamvault.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.streamvault.common.metrics.KafkaGauges;
import io.streamvault.common.metrics.Meters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Kafka Streams topology: bounded RocksDB memory, and a failed stream thread is replaced
 * (its tasks resume from the last commit, exactly-once) after a pause, while the listener hears of it
 * and {@code streamvault_worker_retries_total{role}} counts it. Kafka's own metrics of its clients go to
 * the registry too (docs/metrics.md).
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    /** Where Kafka Streams keeps its process id in an application's state directory, as JSON. */
    private static final String PROCESS_FILE = "kafka-streams-process-metadata";
    private static final Pattern PROCESS_ID = Pattern.compile("\"processId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
    private final String name;
    private final KafkaStreams streams;
    private final MeterRegistry meters;
    private KafkaGauges.Binding kafkaMeters;

    /**
     * The topology as the application {@code applicationId} of {@code props}' cluster, its state under
     * {@code stateDir}; {@code name} is the role, the {@code role} of its meters.
     */
    public static StreamsApp of(String name, Topology topology, KafkaProps props, String applicationId, Path stateDir,
            int threads, WorkerListener listener, MeterRegistry meters) {
        return of(name, topology, props, applicationId, stateDir, threads, listener, meters, List.of());
    }

    /** As above; {@code pointLookupStores}: stores read mostly by single keys ({@link BoundedRocksDb#POINT_LOOKUP_STORES}). */
    public static StreamsApp of(String name, Topology topology, KafkaProps props, String applicationId, Path stateDir,
            int threads, WorkerListener listener, MeterRegistry meters, List<String> pointLookupStores) {
        OrphanTransactions.Group group = OrphanTransactions.Group.streams(applicationId);
        Properties p = props.streams(applicationId, stateDir, threads);
        p.put(BoundedRocksDb.POINT_LOOKUP_STORES, String.join(",", pointLookupStores));
        return new StreamsApp(name, topology, p, listener, meters, () -> props.orphans().sweepSoon(group));
    }

    /**
     * Streams' own client id ({@code APPLICATION-PROCESS}) is kept: {@link OrphanTransactions} tells the
     * members' processes by it. (Stream threads are then named {@code APPLICATION-PROCESS-StreamThread-N},
     * of which the kernel keeps the first 15 characters: per-thread CPU is read by thread id through
     * {@code jstack}, not by the kernel's name.) {@code rebalanced} runs when a rebalance begins and when
     * it ends (a member may be dead).
     */
    private StreamsApp(String name, Topology topology, Properties props, WorkerListener listener, MeterRegistry meters,
            Runnable rebalanced) {
        this.name = name;
        this.meters = meters;
        Counter retries = TransactionalWorker.retries(meters, name);
        Properties p = new Properties();
        p.putAll(props);
        p.put("rocksdb.config.setter", BoundedRocksDb.class.getName());
        this.streams = new KafkaStreams(topology, p);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                listener.recovered(name); // threads replaced after a failure are processing again
            }
            // When a rebalance begins and when it ends: a member removed while this instance was already
            // rebalancing (restoring after an earlier one, say) is seen gone by the second sweep.
            if (now == KafkaStreams.State.REBALANCING || before == KafkaStreams.State.REBALANCING) {
                rebalanced.run();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.warn("{}: stream thread failed: {}; replacing it", name, e.toString());
            retries.increment();
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

    /**
     * The process id Kafka Streams keeps for {@code applicationId} under {@code stateDir} (from the
     * previous run on it, which left it there), or empty when there is none or it cannot be read.
     */
    public static Optional<String> processId(Path stateDir, String applicationId) {
        try {
            Matcher m = PROCESS_ID.matcher(Files.readString(stateDir.resolve(applicationId).resolve(PROCESS_FILE)));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String name() {
        return name;
    }

    public void start() {
        if (meters != Meters.NONE) {
            kafkaMeters = KafkaGauges.bind(meters, streams, KafkaStreams::metrics,
                    List.of(Tag.of("role", name), Tag.of("client_id", name)));
        }
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
        if (kafkaMeters != null) {
            kafkaMeters.close();
        }
    }
}
