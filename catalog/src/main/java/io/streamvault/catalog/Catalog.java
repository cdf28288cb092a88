package io.streamvault.catalog;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.StreamsApp;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The catalog role: the {@link CatalogTopology} as the Kafka Streams application {@code PREFIX.VAULT.catalog}. */
public final class Catalog {
    public static final String ROLE = "catalog";

    private Catalog() {
    }

    /**
     * @param sealed told the id of every snapshot this process's catalog seals (must not block)
     * @param meters where the catalog counts its work (docs/metrics.md)
     */
    public static StreamsApp app(KafkaProps props, Topics topics, SchemaRegistry registry, Vault vault,
            CatalogSettings settings, Path stateDir, int threads, WorkerListener listener, Consumer<String> sealed,
            MeterRegistry meters) {
        return StreamsApp.of(ROLE, CatalogTopology.build(topics, registry, vault, settings, sealed, meters), props,
                topics.groupId(ROLE), stateDir, threads, listener, meters);
    }
}
