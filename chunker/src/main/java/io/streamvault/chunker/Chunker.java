package io.streamvault.chunker;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.chunker.internal.ChunkHandler;
import io.streamvault.chunker.internal.ChunkMeters;
import io.streamvault.common.kafka.DeadLetterSink;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.kafka.WorkerPool;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;

/**
 * The chunker role: {@code threads} workers in the consumer group {@code PREFIX.VAULT.chunker}. New
 * chunks' bytes are offered to {@code handoff} for an uploader in the same process. What they read is
 * counted in {@code meters}.
 */
public final class Chunker {
    public static final String ROLE = "chunker";

    private Chunker() {
    }

    public static WorkerPool pool(KafkaProps props, Topics topics, Vault vault, DeadLetterSink deadLetters,
            WorkerListener listener, String instance, int threads, int maxRereads, ChunkHandoff handoff,
            MeterRegistry meters) {
        ChunkMeters counted = new ChunkMeters(meters);
        return WorkerPool.of(ROLE, topics.groupId(ROLE), instance, threads, props, topics.fileEvents,
                () -> new ChunkHandler(topics, vault, instance, maxRereads, handoff, counted), deadLetters, listener, 1000,
                meters);
    }
}
