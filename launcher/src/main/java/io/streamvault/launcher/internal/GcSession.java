package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Vault;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a garbage collection command needs around the {@link GarbageCollector}: the vault's
 * pipeline (the embedded broker or the cluster), the roles no agent runs (the catalog and dedup must
 * answer the collector, and backups that started before it must be able to finish), and the
 * {@link KafkaGcCoordinator}.
 */
public final class GcSession implements AutoCloseable {
    private final Pipeline pipeline;
    private final InstanceSlot slot;
    private final Roles roles;
    private final KafkaGcCoordinator coordinator;

    private GcSession(Pipeline pipeline, InstanceSlot slot, Roles roles, KafkaGcCoordinator coordinator) {
        this.pipeline = pipeline;
        this.slot = slot;
        this.roles = roles;
        this.coordinator = coordinator;
    }

    public static GcSession open(StreamVaultConfig config, Vault vault) {
        Pipeline pipeline = Pipeline.connect(config, vault);
        InstanceSlot slot = null;
        Roles roles = null;
        try {
            slot = InstanceSlot.acquire(config.stateDir());
            String instance = slot.instanceId(config.getString(StreamVaultConfig.INSTANCE_ID));
            roles = new Roles(pipeline, vault, slot, instance,
                    new FailureWatch(config.getLong(StreamVaultConfig.RETRY_TIMEOUT_MS)));
            roles.startMissing();
            if (!roles.awaitReady(Duration.ofMinutes(2))) {
                throw new FatalException(ErrorCode.TIMEOUT,
                        "the catalog and dedup topologies did not start within 2 minutes");
            }
            KafkaGcCoordinator c = new KafkaGcCoordinator(pipeline, Duration.ofMinutes(2));
            return new GcSession(pipeline, slot, roles, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(pipeline, slot, roles);
            throw new FatalException(ErrorCode.CANCELLED, "interrupted", e);
        } catch (RuntimeException e) {
            close(pipeline, slot, roles);
            throw e;
        }
    }

    public GcCoordinator coordinator() {
        return coordinator;
    }

    /**
     * Opens a session and hands it over as its coordinator alone: closing the coordinator closes the
     * whole session (the roles it started, the pipeline). For a caller that holds only a
     * {@link GcCoordinator} per run, as the HTTP server does.
     */
    public static GcCoordinator openCoordinator(StreamVaultConfig config, Vault vault) {
        return new Owning(open(config, vault));
    }

    @Override
    public void close() {
        try {
            coordinator.close();
        } finally {
            close(pipeline, slot, roles);
        }
    }

    /** The session's coordinator, closing the session with it. */
    private static final class Owning implements GcCoordinator {
        private final GcSession session;

        Owning(GcSession session) {
            this.session = session;
        }

        @Override
        public void fence(String run) {
            session.coordinator.fence(run);
        }

        @Override
        public void begin(String run) {
            session.coordinator.begin(run);
        }

        @Override
        public Set<BlobId> forget(String run, Iterator<BlobId> ids) {
            return session.coordinator.forget(run, ids);
        }

        @Override
        public void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting) {
            session.coordinator.awaitEarlierJobs(run, fenceAfter, waiting);
        }

        @Override
        public void checkOwner(String run) {
            session.coordinator.checkOwner(run);
        }

        @Override
        public void end(String run) {
            session.coordinator.end(run);
        }

        @Override
        public void close() {
            session.close();
        }
    }

    private static void close(Pipeline pipeline, InstanceSlot slot, Roles roles) {
        if (roles != null) {
            roles.close();
        }
        if (slot != null) {
            slot.close();
        }
        pipeline.close();
    }
}
