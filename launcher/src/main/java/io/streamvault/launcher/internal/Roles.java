package io.streamvault.launcher.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.catalog.Catalog;
import io.streamvault.catalog.CatalogSettings;
import io.streamvault.chunker.Chunker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.OrphanTransactions;
import io.streamvault.common.kafka.StreamsApp;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.kafka.WorkerPool;
import io.streamvault.common.metrics.Meters;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.dedup.Dedup;
import io.streamvault.dedup.DedupSettings;
import io.streamvault.maintenance.CapacityRecorder;
import io.streamvault.scanner.Scanner;
import io.streamvault.schemas.DeadLetters;
import io.streamvault.uploader.Uploader;
import io.streamvault.vault.Vault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker roles this process runs: any of scanner, chunker, dedup, uploader, catalog. Roles
 * can be added while the process runs: a backup command starts only the roles that no live
 * member of the cluster runs (agents), and takes over a role whose last member disappears.
 */
public final class Roles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Roles.class);
    /** Every role, in the order they are started: topologies first, the scanner (the source of work) last. */
    public static final List<String> ALL = List.of(Dedup.ROLE, Catalog.ROLE, Uploader.ROLE, Chunker.ROLE, Scanner.ROLE);
    private final Pipeline pipeline;
    private final Vault vault;
    private final InstanceSlot slot;
    private final String instance;
    private final WorkerListener listener;
    private final MeterRegistry meters;
    private final DeadLetters deadLetters;
    private final Map<String, AutoCloseable> running = new HashMap<>();
    /** Chunk bytes from this process's chunkers to its uploaders. */
    private final ChunkHandoff handoff;
    /** Records the vault's capacity after the snapshots this process's catalog seals; null until the catalog starts. */
    private CapacityRecorder capacity;

    /** Roles that count in nothing: for processes that serve no metrics. */
    public Roles(Pipeline pipeline, Vault vault, InstanceSlot slot, String instance, WorkerListener listener) {
        this(pipeline, vault, slot, instance, listener, Meters.NONE);
    }

    /** Roles that count their work in {@code meters} (docs/metrics.md). */
    public Roles(Pipeline pipeline, Vault vault, InstanceSlot slot, String instance, WorkerListener listener,
            MeterRegistry meters) {
        this.meters = meters;
        this.pipeline = pipeline;
        this.vault = vault;
        this.slot = slot;
        this.instance = instance;
        this.listener = listener;
        this.deadLetters = new DeadLetters(pipeline.topics());
        this.handoff = new ChunkHandoff(pipeline.config().getLong(StreamVaultConfig.HANDOFF_BYTES));
    }

    /** Parses a comma-separated role list ("all" for every role). */
    public static Set<String> parse(String spec) {
        if (spec == null || spec.isBlank() || spec.equals("all")) {
            return new LinkedHashSet<>(ALL);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String r : spec.split(",")) {
            String role = r.strip();
            if (!ALL.contains(role)) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "unknown role '" + role + "'; roles are " + ALL);
            }
            out.add(role);
        }
        return out;
    }

    public synchronized Set<String> running() {
        return Set.copyOf(running.keySet());
    }

    /** Starts the given roles (those not running here yet), in {@link #ALL} order. */
    public synchronized void start(Set<String> roles) {
        for (String role : ALL) {
            if (roles.contains(role) && !running.containsKey(role)) {
                running.put(role, startRole(role));
            }
        }
    }

    /** Starts every role that has no live member in the cluster; returns those it started. */
    public synchronized Set<String> startMissing() {
        Set<String> missing = new LinkedHashSet<>();
        Map<String, Integer> members = members();
        for (String role : ALL) {
            if (!running.containsKey(role) && members.getOrDefault(role, 0) == 0) {
                missing.add(role);
            }
        }
        start(missing);
        return missing;
    }

    /**
     * Live members of each role's group in the cluster. The members of this slot's previous life are
     * not live: a process killed on this state directory stays in its groups until its session times
     * out, but this process holds the slot now (a collection rerun right after a killed one would
     * otherwise find its catalog "running" and wait for answers that never come).
     */
    public Map<String, Integer> members() {
        Map<String, String> groups = new HashMap<>();
        for (String role : ALL) {
            groups.put(pipeline.topics().groupId(role), role);
        }
        Map<String, Integer> out = new HashMap<>();
        try {
            Map<String, ConsumerGroupDescription> d = pipeline.admin().describeConsumerGroups(groups.keySet()).all()
                    .get(pipeline.config().getInt(StreamVaultConfig.KAFKA_TIMEOUT_MS), TimeUnit.MILLISECONDS);
            for (Map.Entry<String, ConsumerGroupDescription> e : d.entrySet()) {
                String role = groups.get(e.getKey());
                OrphanTransactions.Group g = isStreams(role) ? OrphanTransactions.Group.streams(e.getKey())
                        : OrphanTransactions.Group.workers(e.getKey());
                String previousLife = previousLife(role, g);
                out.put(role, (int) e.getValue().members().stream()
                        .filter(m -> previousLife == null || !previousLife.equals(g.memberOwner().apply(m.clientId())))
                        .count());
            }
        } catch (ExecutionException | TimeoutException e) {
            return Map.of(); // unknown: the caller runs every role itself, which is always correct
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
        return out;
    }

    private static boolean isStreams(String role) {
        return role.equals(Dedup.ROLE) || role.equals(Catalog.ROLE);
    }

    /**
     * The owner ({@link OrphanTransactions.Group#memberOwner}) of this slot's members in {@code role}'s
     * group {@code g}: its instance for workers; for Kafka Streams the process id its state directory
     * keeps (null when there is none: no previous life to tell).
     */
    private String previousLife(String role, OrphanTransactions.Group g) {
        if (!isStreams(role)) {
            return g.groupId() + "." + instance;
        }
        return StreamsApp.processId(slot.streamsDir(), g.groupId()).map(id -> g.groupId() + "-" + id).orElse(null);
    }

    private AutoCloseable startRole(String role) {
        StreamVaultConfig c = pipeline.config();
        var p = pipeline;
        switch (role) {
            case Dedup.ROLE -> {
                StreamsApp app = Dedup.app(p.props(), p.topics(), p.registry(),
                        DedupSettings.of(c.getLong(StreamVaultConfig.DEDUP_PENDING_TIMEOUT_MS)), slot.streamsDir(),
                        Math.max(1, c.getInt(StreamVaultConfig.DEDUP_THREADS)), listener, meters);
                app.start();
                return app;
            }
            case Catalog.ROLE -> {
                capacity = new CapacityRecorder(vault, c.getLong(StreamVaultConfig.CAPACITY_RECORD_INTERVAL_MS));
                StreamsApp app = Catalog.app(p.props(), p.topics(), p.registry(), vault,
                        new CatalogSettings(c.getInt(StreamVaultConfig.UPLOADER_PACK_BYTES),
                                c.getLong(StreamVaultConfig.PROGRESS_INTERVAL_MS), c.getInt(StreamVaultConfig.CHUNKER_MAX_REREADS),
                                c.getLong(StreamVaultConfig.CATALOG_JOB_RETENTION_MS)),
                        slot.streamsDir(), Math.max(1, c.getInt(StreamVaultConfig.CATALOG_THREADS)), listener,
                        capacity::sealed, meters);
                app.start();
                return app;
            }
            case Uploader.ROLE -> {
                handoff.open();
                WorkerPool pool = Uploader.pool(p.props(), p.topics(), vault, deadLetters, listener, instance,
                        Math.max(1, c.getInt(StreamVaultConfig.UPLOADER_THREADS)), c.getInt(StreamVaultConfig.UPLOADER_PACK_BYTES),
                        c.getLong(StreamVaultConfig.UPLOADER_FLUSH_MS), c.getInt(StreamVaultConfig.UPLOADER_PACKS_IN_FLIGHT),
                        handoff, meters).start();
                return () -> {
                    pool.close();
                    LOG.info("uploader stopped; {} chunks were taken from the chunkers' hand-off, {} read from their source",
                            handoff.hits(), handoff.misses());
                    handoff.close();
                };
            }
            case Chunker.ROLE -> {
                return Chunker.pool(p.props(), p.topics(), vault, deadLetters, listener, instance,
                        Math.max(1, c.getInt(StreamVaultConfig.CHUNKER_THREADS)), c.getInt(StreamVaultConfig.CHUNKER_MAX_REREADS),
                        handoff, meters).start();
            }
            case Scanner.ROLE -> {
                return Scanner.pool(p.props(), p.topics(), vault, deadLetters, listener, instance,
                        Math.max(1, c.getInt(StreamVaultConfig.SCANNER_THREADS)), c.getLong(StreamVaultConfig.CHUNKER_SEGMENT_BYTES),
                        meters).start();
            }
            default -> throw new FatalException(ErrorCode.INVALID_ARGUMENT, "unknown role " + role);
        }
    }

    /** Waits until the topologies this process runs are running (tasks assigned), up to the timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<StreamsApp> apps = new ArrayList<>();
        synchronized (this) {
            for (AutoCloseable a : running.values()) {
                if (a instanceof StreamsApp s) {
                    apps.add(s);
                }
            }
        }
        for (StreamsApp a : apps) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !a.awaitRunning(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops every role: workers finish and commit their batch, topologies close and leave their groups;
     * once the catalog has closed, the capacity record of what it sealed is written.
     */
    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, AutoCloseable> role : running.entrySet()) {
                AutoCloseable r = role.getValue();
                CapacityRecorder recorder = role.getKey().equals(Catalog.ROLE) ? capacity : null;
                closers.add(new Thread(() -> {
                    try {
                        r.close();
                    } catch (Exception e) {
                        // closing is best effort; the next start resumes from the last commit
                    }
                    if (recorder != null) {
                        recorder.close();
                    }
                }));
            }
            running.clear();
        }
        closers.forEach(Thread::start);
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
