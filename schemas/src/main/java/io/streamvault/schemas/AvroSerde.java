package io.streamvault.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent wire format: magic byte 0, the 4-byte big-endian schema
 * id, then Avro binary. The writer schema is registered under the subject {@code TOPIC-value}
 * (or {@code -key}); readers resolve the writer schema by id against their own. A record that is
 * not in this format fails with Kafka's SerializationException naming topic and reason, which
 * the roles route to the dead-letter topic.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SchemaRegistry registry;
    private final Class<T> type;
    private final boolean isKey;

    public AvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey) {
        this.registry = registry;
        this.type = type;
        this.isKey = isKey;
    }

    public static <T extends SpecificRecord> AvroSerde<T> forValues(SchemaRegistry registry, Class<T> type) {
        return new AvroSerde<>(registry, type, false);
    }

    @Override
    public Serializer<T> serializer() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public Deserializer<T> deserializer() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
