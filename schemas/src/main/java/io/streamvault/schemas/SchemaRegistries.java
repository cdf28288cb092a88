package io.streamvault.schemas;

import io.streamvault.common.config.StreamVaultConfig;
import java.util.Properties;

/** Picks the registry the configuration names. */
public final class SchemaRegistries {
    /** The compacted topic that holds the embedded registry's schemas (shared by all vaults). */
    public static final String SCHEMAS_TOPIC = "_streamvault-schemas";

    private SchemaRegistries() {
    }

    /**
     * {@code schema.registry.url} set: a REST client for it (with basic auth when configured).
     * Otherwise the embedded registry over {@link #SCHEMAS_TOPIC} on the cluster that
     * {@code kafkaClient} (bootstrap.servers and client settings) reaches.
     */
    public static SchemaRegistry open(StreamVaultConfig config, Properties kafkaClient) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
