package io.streamvault.scanner;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.kafka.DeadLetterSink;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.kafka.WorkerPool;
import io.streamvault.scanner.internal.ScanHandler;
import io.streamvault.scanner.internal.ScanMeters;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;

/**
 * The scanner role: {@code threads} workers in the consumer group {@code PREFIX.VAULT.scanner}, counting
 * what they list in {@code meters}.
 */
public final class Scanner {
    public static final String ROLE = "scanner";

    private Scanner() {
    }

    public static WorkerPool pool(KafkaProps props, Topics topics, Vault vault, DeadLetterSink deadLetters,
            WorkerListener listener, String instance, int threads, long segmentBytes, MeterRegistry meters) {
        TreeIndex trees = new TreeIndex(vault);
        ScanMeters counted = new ScanMeters(meters);
        return WorkerPool.of(ROLE, topics.groupId(ROLE), instance, threads, props, topics.dirTasks,
                () -> new ScanHandler(topics, trees, instance, segmentBytes, counted), deadLetters, listener, 64, meters);
    }
}
