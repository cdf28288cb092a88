package io.streamvault.schemas;

import io.streamvault.common.kafka.DeadLetterSink;
import io.streamvault.common.kafka.Emitter;
import io.streamvault.schemas.records.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds dead-letter records: the original bytes, where they came from, and why they were refused. */
public final class DeadLetters implements DeadLetterSink {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private final Topics topics;

    public DeadLetters(Topics topics) {
        this.topics = topics;
    }

    public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, String reason,
            String processor) {
        return DeadLetter.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setError(reason == null ? "unknown" : reason)
                .setTimeMs(System.currentTimeMillis())
                .setProcessor(processor)
                .build();
    }

    @Override
    public void publish(Emitter out, String processor, ConsumerRecord<byte[], byte[]> r, String reason) {
        LOG.warn("{}: record {}-{}@{} sent to {}: {}", processor, r.topic(), r.partition(), r.offset(),
                topics.deadLetters.name(), reason);
        out.send(topics.deadLetters, r.key(),
                of(r.topic(), r.partition(), r.offset(), r.key(), r.value(), reason, processor));
    }
}
