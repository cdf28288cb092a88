package io.streamvault.chunker;

import io.streamvault.chunker.internal.ChunkHandler;
import io.streamvault.common.kafka.DeadLetterSink;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.TransactionalWorker;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.kafka.WorkerPool;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.List;

/** The chunker role: {@code threads} workers in the consumer group {@code PREFIX.VAULT.chunker}. */
public final class Chunker {
    public static final String ROLE = "chunker";

    private Chunker() {
    }

    public static WorkerPool pool(KafkaProps props, Topics topics, Vault vault, DeadLetterSink deadLetters,
            WorkerListener listener, String instance, int threads, int maxRereads) {
        List<TransactionalWorker<?>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String name = topics.groupId(ROLE) + "." + instance + "." + i;
            workers.add(new TransactionalWorker<>(props, topics.fileEvents,
                    new ChunkHandler(topics, vault, instance, maxRereads), deadLetters, listener,
                    new TransactionalWorker.Settings(name, topics.groupId(ROLE), name, 32, 5_000)));
        }
        return new WorkerPool(ROLE, workers);
    }
}
