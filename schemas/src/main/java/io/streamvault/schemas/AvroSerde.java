package io.streamvault.schemas;

import io.streamvault.schemas.internal.AvroDeserializer;
import io.streamvault.schemas.internal.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent wire format: magic byte 0, the 4-byte big-endian schema
 * id, then Avro binary. The writer schema is registered under the subject {@code TOPIC-value}
 * (or {@code -key}); readers resolve the writer schema by id against their own. A record that is
 * not in this format fails with Kafka's SerializationException naming topic and reason, which
 * the roles route to the dead-letter topic. A registry that cannot be reached is not the record's
 * fault: its StreamVaultException (REGISTRY_ERROR) propagates instead.
 *
 * <p>Serializer and deserializer are thread-safe and cache schema ids and readers, so one serde
 * per record type can be shared by every thread.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    public AvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey) {
        this.serializer = new AvroSerializer<>(registry, type, isKey);
        this.deserializer = new AvroDeserializer<>(registry, type);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forValues(SchemaRegistry registry, Class<T> type) {
        return new AvroSerde<>(registry, type, false);
    }

    /** The same thread-safe instance on every call, so its schema-id cache is shared. */
    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    /** The same thread-safe instance on every call, so its writer-schema cache is shared. */
    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
