package io.streamvault.schemas;

import java.io.Closeable;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serdes need. Implementations: a REST client for
 * any Confluent-API-compatible registry, and the embedded registry whose schemas live in a
 * compacted Kafka topic. Both cache: after the first call for a schema, no round trip.
 * Failures are StreamVaultExceptions with code REGISTRY_ERROR (retryable when the registry is
 * unreachable or answers 5xx).
 */
public interface SchemaRegistry extends Closeable {
    /** Registers the schema under the subject (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** Where the schemas live, for messages. */
    String location();

    @Override
    void close();
}
