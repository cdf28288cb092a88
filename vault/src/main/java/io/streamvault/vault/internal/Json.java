package io.streamvault.vault.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * JSON for vault objects: one strict factory (duplicate keys and trailing tokens are errors), a
 * writer for canonical output, and field readers that turn every malformation into
 * CORRUPT_OBJECT naming the object.
 */
final class Json {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** Writes one JSON document with a streaming generator. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(int sizeHint, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Parses a JSON object; {@code what} names the object in the error. */
    static JsonNode parseObject(byte[] bytes, String what) {
        JsonNode n;
        try {
            n = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw Errors.corrupt(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw Errors.corrupt(what + " is not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw Errors.corrupt(what + " is not a JSON object");
        }
        return n;
    }

    private static JsonNode field(JsonNode o, String field, String what) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw Errors.corrupt(what + " has no \"" + field + "\"");
        }
        return v;
    }

    static String text(JsonNode o, String field, String what) {
        JsonNode v = field(o, field, what);
        if (!v.isTextual()) {
            throw Errors.corrupt(what + ": \"" + field + "\" is not a string");
        }
        return v.textValue();
    }

    /** A string, or null when the field is absent or null. */
    static String optText(JsonNode o, String field, String what) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : text(o, field, what);
    }

    static long longValue(JsonNode o, String field, String what) {
        JsonNode v = field(o, field, what);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw Errors.corrupt(what + ": \"" + field + "\" is not a 64-bit integer");
        }
        return v.longValue();
    }

    static int intValue(JsonNode o, String field, String what, int min, int max) {
        long v = longValue(o, field, what);
        if (v < min || v > max) {
            throw Errors.corrupt(what + ": \"" + field + "\" is " + v + ", outside [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    static boolean bool(JsonNode o, String field, String what) {
        JsonNode v = field(o, field, what);
        if (!v.isBoolean()) {
            throw Errors.corrupt(what + ": \"" + field + "\" is not a boolean");
        }
        return v.booleanValue();
    }

    static JsonNode object(JsonNode o, String field, String what) {
        JsonNode v = field(o, field, what);
        if (!v.isObject()) {
            throw Errors.corrupt(what + ": \"" + field + "\" is not an object");
        }
        return v;
    }

    static byte[] base64(JsonNode o, String field, String what) {
        String s = text(o, field, what);
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw Errors.corrupt(what + ": \"" + field + "\" is not base64", e);
        }
    }

    static byte[] base64(JsonNode o, String field, String what, int length) {
        byte[] b = base64(o, field, what);
        if (b.length != length) {
            throw Errors.corrupt(what + ": \"" + field + "\" has " + b.length + " bytes, not " + length);
        }
        return b;
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
