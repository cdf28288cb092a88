package io.streamvault.common.kafka;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic, declared once: its full name, how it is created, and the serdes of its keys and values.
 *
 * @param configs topic-level settings used at creation (cleanup.policy, retention.ms, ...)
 */
public record TopicSpec<K, V>(String name, int partitions, short replication, Map<String, String> configs,
        Serde<K> keySerde, Serde<V> valueSerde) {
}
