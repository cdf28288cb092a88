package io.streamvault.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Sends records inside the current transaction of a worker. */
public interface Emitter {
    <K, V> void send(TopicSpec<K, V> topic, K key, V value);

    /** The topic's number of partitions, as the cluster has it (to send records that batch keys of one partition). */
    int partitions(TopicSpec<?, ?> topic);

    /** Parks a record no handler can process on the dead-letter topic, with the reason. */
    void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason);
}
