package io.streamvault.schemas.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Schema ids of the embedded registry, computed rather than allocated, so that any number of
 * processes on any number of machines register schemas in the same topic without coordinating:
 * the id of a schema is the first four bytes of the SHA-256 of its Avro Parsing Canonical Form,
 * read big-endian, with the sign bit cleared (a positive int, as Confluent ids are).
 *
 * <p>Schemas that differ only in what the canonical form drops (docs, aliases, defaults, logical
 * type annotations) share an id; that is harmless, because a writer schema is only used to decode
 * what was written, and those attributes do not change the encoding. Two schemas with different
 * canonical forms may, with probability about n²/2³², get the same id: the registry detects that
 * and refuses the second one.
 */
public final class SchemaIds {
    private SchemaIds() {
    }

    public static int of(Schema schema) {
        return ofCanonical(canonical(schema));
    }

    /** The Parsing Canonical Form, as the registry compares schemas. */
    public static String canonical(Schema schema) {
        return SchemaNormalization.toParsingForm(schema);
    }

    static int ofCanonical(String canonical) {
        byte[] h = sha256(canonical.getBytes(StandardCharsets.UTF_8));
        return ((h[0] & 0x7f) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
