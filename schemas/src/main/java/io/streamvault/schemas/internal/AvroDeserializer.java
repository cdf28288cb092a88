package io.streamvault.schemas.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.schemas.SchemaRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into specific records, resolving each writer schema (fetched by
 * id, once) against the class's own schema. Thread-safe. Any record that is not readable (too
 * short, wrong magic byte, unknown schema id, writer schema the class cannot read, bytes that do
 * not decode) is a SerializationException naming the topic and the problem. A registry that
 * cannot be asked is not the record's fault: that error propagates as it is.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistry registry;
    private final Class<T> type;
    private final SpecificData model;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private volatile IdReader<T> last;

    public AvroDeserializer(SchemaRegistry registry, Class<T> type) {
        this.registry = registry;
        this.type = type;
        AvroTrust.trustGeneratedTypesOf(type);
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER) {
            throw malformed(topic, "the record has " + data.length + " bytes, fewer than the 5-byte header", null);
        }
        if (data[0] != WireFormat.MAGIC) {
            throw malformed(topic, String.format("the first byte is 0x%02x, not the magic byte 0x00", data[0]), null);
        }
        int id = WireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readerFor(topic, id);
        BinaryDecoder decoder = WireFormat.get().decoder(data);
        T record;
        boolean leftOver;
        try {
            record = reader.read(null, decoder);
            leftOver = !decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            throw malformed(topic, "the bytes do not decode as a " + type.getSimpleName() + " written with schema "
                    + id + ": " + e, e);
        }
        if (leftOver) {
            throw malformed(topic, "bytes are left over after a " + type.getSimpleName() + " written with schema "
                    + id, null);
        }
        return record;
    }

    private SpecificDatumReader<T> readerFor(String topic, int id) {
        IdReader<T> l = last;
        if (l != null && l.id == id) {
            return l.reader;
        }
        SpecificDatumReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = newReader(topic, id);
            readers.putIfAbsent(id, reader);
        }
        last = new IdReader<>(id, reader);
        return reader;
    }

    private SpecificDatumReader<T> newReader(String topic, int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (FatalException e) {
            if (e.code() == ErrorCode.MALFORMED_RECORD) {
                throw malformed(topic, "schema id " + id + " is unknown: " + e.getMessage(), e);
            }
            throw e;
        }
        SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (c.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw malformed(topic, "writer schema " + id + " (" + writer.getFullName() + ") cannot be read as a "
                    + type.getSimpleName() + ": " + c.getDescription(), null);
        }
        return new SpecificDatumReader<>(writer, readerSchema, model);
    }

    private static SerializationException malformed(String topic, String problem, Throwable cause) {
        return new SerializationException("malformed record on topic " + topic + ": " + problem, cause);
    }

    private record IdReader<T>(int id, SpecificDatumReader<T> reader) {
    }
}
