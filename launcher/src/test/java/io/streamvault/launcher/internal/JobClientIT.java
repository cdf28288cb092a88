package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose cluster goes away for good: its follower stops with BROKER_UNREACHABLE once the cluster
 * has not answered for retry.timeout.ms, where it used to wait for ever (the fault campaign's
 * separate broker, restarted on another address, left a backup and its rerun waiting over 3 minutes).
 */
class JobClientIT {
    @TempDir
    Path tmp;

    @Test
    void aClusterThatDoesNotComeBackEndsTheWaitWithBrokerUnreachable() throws Exception {
        LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster"));
        String bootstrap = broker.bootstrapServers();
        StreamVaultConfig config = StreamVaultConfig.of(Map.of(StreamVaultConfig.STATE_DIR, tmp.resolve("state").toString(),
                StreamVaultConfig.BOOTSTRAP_SERVERS, bootstrap, StreamVaultConfig.RETRY_TIMEOUT_MS, "3000"));
        BackupJob job = new BackupJob("/src".getBytes(StandardCharsets.UTF_8), List.of(), List.of(), "h", "u", null, false,
                1L, 0L);
        try (Vault vault = Vault.init(Storages.open(tmp.resolve("vault").toString()), "pw".toCharArray(),
                VaultOptions.defaults()); Pipeline pipeline = Pipeline.connect(config, vault);
                JobClient client = new JobClient(pipeline, "follower")) {
            client.submit(job.started("j", "follower", Optional.empty()), job.rootTask("j", Optional.empty()));
            broker.close(); // no worker runs the job, and the cluster is gone
            CompletableFuture<JobStatus> waiting = CompletableFuture.supplyAsync(() -> client.await("j", s -> { }, () -> null));
            // A bound for a wait that used to last for ever, not a measure of how long it takes.
            ExecutionException ended = assertThrows(ExecutionException.class, () -> waiting.get(2, TimeUnit.MINUTES));
            FatalException e = assertInstanceOf(FatalException.class, ended.getCause());
            assertEquals(ErrorCode.BROKER_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains(bootstrap) && e.getMessage().contains("job j"), e.getMessage());
        } finally {
            broker.close();
        }
    }
}
