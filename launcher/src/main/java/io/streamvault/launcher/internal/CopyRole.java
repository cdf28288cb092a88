package io.streamvault.launcher.internal;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.copier.Copier;
import io.streamvault.copier.CopyFollower;
import io.streamvault.copier.CopyStatuses;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A copier following the vault's events, as {@code copy} and {@code agent --copy-to} run it. */
public final class CopyRole {
    private CopyRole() {
    }

    /**
     * Follows {@code topic} on the cluster {@code props} reach until {@code stop} says so, copying to
     * {@code target}: catching up by listing every {@code copy.catchup.interval.ms}, publishing the lag
     * on {@code copy-status} every {@code copy.status.interval.ms}.
     */
    public static void follow(StreamVaultConfig config, KafkaProps props, Topics topics, String topic, Copier copier,
            Vault target, String instance, boolean fromStart, BooleanSupplier stop) {
        try (CopyStatuses statuses = new CopyStatuses(props, topics, instance)) {
            new CopyFollower(props, topics, topic, copier, CopyFollower.group(topics, target.location()), instance)
                    .follow(fromStart, Duration.ofMillis(config.getLong(StreamVaultConfig.COPY_CATCHUP_INTERVAL_MS)), stop,
                            statuses.publisher(copier, target.location(),
                                    Duration.ofMillis(config.getLong(StreamVaultConfig.COPY_STATUS_INTERVAL_MS))));
        }
    }
}
