package io.streamvault.schemas;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.Closeable;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serdes need. Implementations: a REST client for
 * any Confluent-API-compatible registry, and the embedded registry whose schemas live in a
 * compacted Kafka topic. Both cache: after the first call for a schema, no round trip.
 * Failures are StreamVaultExceptions with code REGISTRY_ERROR (retryable when the registry is
 * unreachable or answers 5xx), except the two below that name a problem of the input.
 */
public interface SchemaRegistry extends Closeable {
    /**
     * Registers the schema under the subject (idempotent) and returns its global id. The embedded
     * registry fails with CONFLICT when another schema already has the id this one hashes to.
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this global id. Fails with MALFORMED_RECORD when the registry has no schema
     * with this id (the record that carries it cannot be read), and with REGISTRY_ERROR when the
     * registry cannot be asked.
     */
    Schema schemaById(int id);

    /** Subjects with at least one schema, sorted. */
    default List<String> subjects() {
        throw new FatalException(ErrorCode.UNSUPPORTED, location() + " cannot list subjects");
    }

    /**
     * The ids registered under the subject, oldest first: version n of the subject is element n-1.
     * Empty when the subject is unknown.
     */
    default List<Integer> subjectIds(String subject) {
        throw new FatalException(ErrorCode.UNSUPPORTED, location() + " cannot list the versions of a subject");
    }

    /** Where the schemas live, for messages. */
    String location();

    @Override
    void close();
}
