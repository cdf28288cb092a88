package io.streamvault.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Sends records inside the current transaction of a worker. */
public interface Emitter {
    <K, V> void send(TopicSpec<K, V> topic, K key, V value);

    /** The topic's number of partitions, as the cluster has it (to send records that batch keys of one partition). */
    int partitions(TopicSpec<?, ?> topic);

    /** Parks a record no handler can process on the dead-letter topic, with the reason. */
    void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason);

    /**
     * Commits now what was sent so far, with the input offsets of the records handled before the
     * current one (never the current record's: it is not handled yet). For a handler whose one record
     * makes durable output in several steps (the uploader, a pack at a time), so that a failure later
     * in the record does not undo the output of its earlier steps. Outside a worker (tests), nothing.
     */
    default void commit() {
    }
}
