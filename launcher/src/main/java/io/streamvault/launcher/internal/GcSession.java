package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.vault.Vault;
import java.time.Duration;

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

    @Override
    public void close() {
        coordinator.close();
        close(pipeline, slot, roles);
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
