package io.streamvault.launcher.internal;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import java.util.Map;

/**
 * A copier's connection to a cluster that carries a mirror of the vault's events (docs/copies.md,
 * Across regions): its clients and its schema registry (the embedded one reads the mirrored
 * {@code _streamvault-schemas} topic), and the vault's topic names, without creating any topic or
 * touching the source's cluster.
 */
public final class EventsCluster implements AutoCloseable {
    private final KafkaProps props;
    private final SchemaRegistry registry;
    private final Topics topics;

    public EventsCluster(StreamVaultConfig config, String bootstrap, Vault vault) {
        StreamVaultConfig c = config.with(Map.of(StreamVaultConfig.BOOTSTRAP_SERVERS, bootstrap));
        this.props = new KafkaProps(bootstrap, c);
        this.registry = SchemaRegistries.open(c, props.common());
        this.topics = new Topics(c.getString(StreamVaultConfig.TOPIC_PREFIX), vault.id(),
                c.getInt(StreamVaultConfig.TOPIC_PARTITIONS), c.getShort(StreamVaultConfig.TOPIC_REPLICATION), registry);
    }

    public KafkaProps props() {
        return props;
    }

    public Topics topics() {
        return topics;
    }

    @Override
    public void close() {
        registry.close();
    }
}
