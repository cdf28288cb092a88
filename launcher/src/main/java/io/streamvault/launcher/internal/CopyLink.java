package io.streamvault.launcher.internal;

import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.copier.CopyStatuses;
import io.streamvault.maintenance.CopyLag;
import io.streamvault.schemas.records.CopyStatus;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;

/** What {@code stats} and the API show of the vault's copies: the copiers' last measurements, from {@code copy-status}. */
public final class CopyLink {
    private CopyLink() {
    }

    /**
     * The lag of every copy whose copier reported one; empty when no cluster runs for the vault here
     * (the embedded broker is not started just to look), or it cannot be reached.
     */
    public static List<CopyLag> lags(StreamVaultConfig config, Vault vault) {
        if (config.embeddedBroker() && AgentLink.sockets(config.stateDir()).isEmpty()) {
            return List.of();
        }
        try (Pipeline pipeline = Pipeline.connect(config, vault);
                CopyStatuses statuses = new CopyStatuses(pipeline.props(), pipeline.topics(), "streamvault-"
                        + Hosts.hostname())) {
            List<CopyLag> out = new ArrayList<>();
            for (CopyStatus s : statuses.read()) {
                out.add(new CopyLag(s.getTarget(), s.getTimeMs(), s.getObjectsBehind(), s.getBytesBehind(),
                        s.getSnapshotsBehind(), s.getSecondsBehind(), s.getNewestCopied()));
            }
            return out;
        } catch (StreamVaultException | KafkaException e) {
            return List.of();
        }
    }
}
