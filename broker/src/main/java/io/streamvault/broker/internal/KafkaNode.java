package io.streamvault.broker.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One single-node KRaft server (combined broker and controller, node 1) in this JVM, with its logs
 * and metadata in one directory. Replication factors and ISR minimums are 1, so transactions and
 * Kafka Streams exactly-once work on a single node.
 */
final class KafkaNode {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);
    private static final int NODE_ID = 1;
    private static final int BIND_ATTEMPTS = 5;

    private final KafkaRaftServer server;
    private final int port;

    private KafkaNode(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /**
     * Formats {@code dataDir} on first use (a later start keeps the cluster id that
     * {@code meta.properties} holds) and starts the server on free loopback ports: the client port
     * {@code preferredPort} first when it is not 0 (the port of the previous start, so that clients
     * that were given the address find the broker again), any free one when that is taken.
     */
    static KafkaNode start(Path dataDir, int preferredPort) {
        formatIfNeeded(dataDir);
        boolean again = preferredPort > 0 && isFree(preferredPort);
        if (preferredPort > 0 && !again) {
            LOG.warn("port {} of the broker's previous start is taken: it listens on another, which clients given the"
                    + " old address do not find", preferredPort);
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int brokerPort = attempt == 1 && again ? preferredPort : freePort();
            int controllerPort = freePort();
            while (controllerPort == brokerPort) {
                controllerPort = freePort();
            }
            KafkaRaftServer server = new KafkaRaftServer(
                    KafkaConfig.fromProps(settings(dataDir, brokerPort, controllerPort), false), Time.SYSTEM);
            try {
                server.startup();
                return new KafkaNode(server, brokerPort);
            } catch (RuntimeException e) {
                stopQuietly(server);
                if (!isBindFailure(e)) {
                    throw e;
                }
                LOG.warn("port {} or {} was taken before the broker bound it, trying others", brokerPort,
                        controllerPort);
                last = e;
            }
        }
        throw last;
    }

    /** Clean shutdown: closes the logs so the next start needs no recovery. */
    void stop() {
        server.shutdown();
        server.awaitShutdown();
    }

    static Properties settings(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("metadata.log.dir", dataDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner's default 128 MiB dedupe buffer is far more than one node needs.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(32L << 20));
        return p;
    }

    private static void formatIfNeeded(Path dataDir) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    // Transactions v1 (without KIP-890 part 2's epoch bump per transaction): with v2, a
                    // broker killed mid-transaction was seen to end a chunker's transaction as committed
                    // without writing its markers to some partitions, which then stalled for ever
                    // (bench/faults.sh xbroker, docs/reliability.md); with v1 it was seen more rarely,
                    // and HangingTransactions ends such transactions in either case.
                    .setFeatureLevel("transaction.version", (short) 1)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE,
                    "cannot format the broker's storage in " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("formatted {} for cluster {}", dataDir, clusterId);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "cannot find a free port on 127.0.0.1: " + e, e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("shutdown after a failed start failed too", e);
        }
    }
}
