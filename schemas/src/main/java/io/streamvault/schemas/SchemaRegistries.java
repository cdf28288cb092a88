package io.streamvault.schemas;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.schemas.internal.KafkaSchemaRegistry;
import io.streamvault.schemas.internal.MemorySchemaRegistry;
import io.streamvault.schemas.internal.RestSchemaRegistry;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.types.Password;

/** Picks the registry the configuration names. */
public final class SchemaRegistries {
    /** The compacted topic that holds the embedded registry's schemas (shared by all vaults). */
    public static final String SCHEMAS_TOPIC = "_streamvault-schemas";

    private SchemaRegistries() {
    }

    /**
     * {@code schema.registry.url} set: a REST client for it (with basic auth when configured).
     * Otherwise the embedded registry over {@link #SCHEMAS_TOPIC} on the cluster that
     * {@code kafkaClient} (bootstrap.servers and client settings) reaches; when {@code kafkaClient}
     * has no bootstrap.servers, the configuration's is used. Either waits at most
     * {@code cluster.timeout.ms} for an answer.
     */
    public static SchemaRegistry open(StreamVaultConfig config, Properties kafkaClient) {
        Duration timeout = Duration.ofMillis(config.getInt(StreamVaultConfig.KAFKA_TIMEOUT_MS));
        String url = config.getString(StreamVaultConfig.SCHEMA_REGISTRY_URL);
        if (!url.isBlank()) {
            Password auth = config.getPassword(StreamVaultConfig.SCHEMA_REGISTRY_BASIC_AUTH);
            return new RestSchemaRegistry(url, auth == null ? "" : auth.value(), timeout);
        }
        Properties client = new Properties();
        client.putAll(kafkaClient);
        Object bootstrap = client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            String configured = config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS);
            if (configured.isBlank()) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the embedded schema registry needs a Kafka "
                        + "cluster, but neither the client settings nor bootstrap.servers name one");
            }
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configured);
        }
        return new KafkaSchemaRegistry(client, SCHEMAS_TOPIC, timeout);
    }

    /**
     * A registry in this process's memory, with the same ids as the embedded registry. For tests
     * (TopologyTestDriver, unit tests) and tools that run in one process; its schemas die with it.
     */
    public static SchemaRegistry inMemory() {
        return new MemorySchemaRegistry();
    }
}
