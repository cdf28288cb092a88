package io.streamvault.uploader;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.kafka.DeadLetterSink;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.kafka.WorkerPool;
import io.streamvault.common.util.ChunkHandoff;
import io.streamvault.schemas.Topics;
import io.streamvault.uploader.internal.UploadHandler;
import io.streamvault.uploader.internal.UploadMeters;
import io.streamvault.vault.Vault;

/**
 * The uploader role: {@code threads} workers in the consumer group {@code PREFIX.VAULT.uploader}, each
 * filling its own packs. A chunk a chunker of this process left in {@code handoff} is taken from there
 * instead of being read from its source again. What they write is counted in {@code meters}.
 */
public final class Uploader {
    public static final String ROLE = "uploader";

    private Uploader() {
    }

    public static WorkerPool pool(KafkaProps props, Topics topics, Vault vault, DeadLetterSink deadLetters,
            WorkerListener listener, String instance, int threads, long packBytes, long flushMs, int packsInFlight,
            ChunkHandoff handoff, MeterRegistry meters) {
        UploadMeters counted = new UploadMeters(meters);
        return WorkerPool.of(ROLE, topics.groupId(ROLE), instance, threads, props, topics.uploadRequests,
                () -> new UploadHandler(topics, vault, instance, packBytes, flushMs, packsInFlight, handoff, counted),
                deadLetters, listener, 256, meters);
    }
}
