package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.maintenance.GcMeters;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Vault;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage collections an agent runs for local {@code gc} commands and maintenance plans: with the
 * agent's open vault, its running catalog and dedup, and a coordinator whose transactional producer
 * is made ready when the agent starts, so a collection pays for none of it (docs/gc.md). One at a
 * time. The coordinator holds the vault's maintenance transactional id: a collection started
 * elsewhere fences it, and the next one here makes a new coordinator. The capacity record after a
 * collection is written on a thread of the agent after the collection returns (the command does
 * not wait for it, as backups do not wait for theirs); the next collection, and closing, wait for it.
 */
public final class AgentGc implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentGc.class);
    private final Pipeline pipeline;
    private final Vault vault;
    private final GcMeters meters;
    private final ExecutorService records = Executors.newSingleThreadExecutor(
            DaemonThreads.named("gc-capacity-record"));
    private Future<?> lastRecord;
    private KafkaGcCoordinator coordinator;

    /** {@code meters}: where the collections are counted (docs/metrics.md). */
    public AgentGc(Pipeline pipeline, Vault vault, GcMeters meters) {
        this.meters = meters;
        this.pipeline = pipeline;
        this.vault = vault;
        Thread t = new Thread(this::warm, "gc-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void warm() {
        try {
            coordinator().ready();
        } catch (RuntimeException e) {
            LOG.info("the collector's producer was not made ready now ({}); the first collection will", e.getMessage());
        }
    }

    private KafkaGcCoordinator coordinator() {
        if (coordinator == null) {
            coordinator = new KafkaGcCoordinator(pipeline, Duration.ofMinutes(2));
        }
        return coordinator;
    }

    /**
     * Runs one collection. A coordinator fenced since the last one (by a collection elsewhere) is
     * replaced when the run begins; a fence during the run (a collection that started meanwhile)
     * ends it with FENCED, as for any collector.
     */
    public synchronized GarbageCollector.Result run(GarbageCollector.Options options, GarbageCollector.Progress progress) {
        awaitRecord(RECORD_WAIT_MS);
        return meters.count(options.dryRun(), () -> options.dryRun()
                ? new GarbageCollector(vault, GcCoordinator.alone(), options).run(progress)
                : new GarbageCollector(vault, new Renewing(), options, task -> lastRecord = records.submit(task))
                        .run(progress));
    }

    /** How long a collection, or closing, waits for the last collection's capacity record. */
    private static final long RECORD_WAIT_MS = 45_000L;

    private void awaitRecord(long ms) {
        if (lastRecord == null) {
            return;
        }
        try {
            lastRecord.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the capacity record of the last collection was not written: {}", e.toString());
        }
        lastRecord = null;
    }

    /** The agent's coordinator, made anew when it turns out fenced as a run takes the collector role. */
    private final class Renewing implements GcCoordinator {
        @Override
        public void fence(String run) {
            try {
                coordinator().fence(run);
            } catch (StreamVaultException e) {
                if (e.code() != ErrorCode.FENCED) {
                    throw e;
                }
                LOG.info("the agent's collector was fenced by a collection elsewhere; it starts with a new one");
                coordinator.close();
                coordinator = null;
                coordinator().fence(run);
            }
        }

        @Override
        public void begin(String run) {
            coordinator().begin(run);
        }

        @Override
        public Set<BlobId> forget(String run, Iterator<BlobId> ids) {
            return coordinator().forget(run, ids);
        }

        @Override
        public void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting) {
            coordinator().awaitEarlierJobs(run, fenceAfter, waiting);
        }

        @Override
        public void checkOwner(String run) {
            coordinator().checkOwner(run);
        }

        @Override
        public void end(String run) {
            coordinator().end(run);
        }

        @Override
        public void close() {
            // the agent's coordinator outlives the run
        }
    }

    @Override
    public synchronized void close() {
        awaitRecord(RECORD_WAIT_MS);
        records.shutdownNow();
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
