package io.streamvault.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How a worker publishes a record it cannot process (implemented where the dead-letter schema lives). */
@FunctionalInterface
public interface DeadLetterSink {
    void publish(Emitter out, String processor, ConsumerRecord<byte[], byte[]> record, String reason);
}
