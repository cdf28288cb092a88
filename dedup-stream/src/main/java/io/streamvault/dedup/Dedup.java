package io.streamvault.dedup;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.StreamsApp;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import java.nio.file.Path;
import java.util.List;

/**
 * The dedup role: the {@link DedupTopology} as the Kafka Streams application {@code PREFIX.VAULT.dedup}.
 * Its chunk states are read by single ids, most of them new: their memtables get a bloom filter.
 */
public final class Dedup {
    public static final String ROLE = "dedup";

    private Dedup() {
    }

    public static StreamsApp app(KafkaProps props, Topics topics, SchemaRegistry registry, DedupSettings settings,
            Path stateDir, int threads, WorkerListener listener, MeterRegistry meters) {
        return StreamsApp.of(ROLE, DedupTopology.build(topics, registry, settings, meters), props,
                topics.groupId(ROLE), stateDir, threads, listener, meters, List.of(DedupTopology.STORE));
    }
}
