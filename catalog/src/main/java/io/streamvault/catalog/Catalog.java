package io.streamvault.catalog;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.StreamsApp;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import java.nio.file.Path;

/** The catalog role: the {@link CatalogTopology} as the Kafka Streams application {@code PREFIX.VAULT.catalog}. */
public final class Catalog {
    public static final String ROLE = "catalog";

    private Catalog() {
    }

    public static StreamsApp app(KafkaProps props, Topics topics, SchemaRegistry registry, Vault vault,
            CatalogSettings settings, Path stateDir, int threads, WorkerListener listener, MeterRegistry meters) {
        return new StreamsApp(ROLE, CatalogTopology.build(topics, registry, vault, settings, meters),
                props.streams(topics.groupId(ROLE), stateDir, threads), listener, meters);
    }
}
