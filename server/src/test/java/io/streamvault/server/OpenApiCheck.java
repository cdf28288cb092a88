package io.streamvault.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Checks answers against the OpenAPI document: the status is documented, the body fits its schema. */
final class OpenApiCheck {
    private OpenApiCheck() {
    }

    /**
     * Asserts that {@code op} ({@code "METHOD /api/v1/path"} as the document names it) documents the
     * status of {@code resp}, and that a JSON body fits the schema documented for it.
     */
    static void assertDocumented(JsonObject doc, String op, HttpResponse<Buffer> resp) {
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(op.indexOf(' ') + 1);
        JsonObject item = doc.getJsonObject("paths").getJsonObject(path);
        assertNotNull(item, op + " is not documented");
        JsonObject operation = item.getJsonObject(method.toLowerCase());
        assertNotNull(operation, op + " is not documented");
        JsonObject responses = operation.getJsonObject("responses");
        String status = Integer.toString(resp.statusCode());
        assertTrue(responses.containsKey(status), op + " answered " + status + ", not documented: " + resp.bodyAsString());
        JsonObject response = resolve(doc, responses.getJsonObject(status));
        JsonObject content = response.getJsonObject("content");
        if (content != null && content.containsKey("application/json")) {
            JsonObject schema = content.getJsonObject("application/json").getJsonObject("schema");
            validate(doc, schema, Json.decodeValue(resp.bodyAsString()), op);
        }
    }

    /** Just enough of JSON Schema for this document: $ref, allOf, type, required, properties, items, enum, nullable. */
    static void validate(JsonObject doc, JsonObject schema, Object value, String where) {
        validate(doc, schema, value, where, false);
    }

    static void validate(JsonObject doc, JsonObject schema, Object value, String where, boolean partOfAllOf) {
        schema = resolve(doc, schema);
        if (value == null) {
            assertTrue(Boolean.TRUE.equals(schema.getBoolean("nullable")) || !schema.containsKey("type"), where + " is null");
            return;
        }
        if (schema.containsKey("allOf")) {
            for (Object s : schema.getJsonArray("allOf")) {
                validate(doc, (JsonObject) s, value, where, true);
            }
        }
        String type = schema.getString("type");
        if (type != null) {
            boolean ok = switch (type) {
                case "object" -> value instanceof JsonObject;
                case "array" -> value instanceof JsonArray;
                case "string" -> value instanceof String;
                case "integer" -> value instanceof Integer || value instanceof Long;
                case "boolean" -> value instanceof Boolean;
                default -> true;
            };
            assertTrue(ok, where + ": " + value + " is not a " + type);
        }
        if (schema.containsKey("enum")) {
            assertTrue(schema.getJsonArray("enum").contains(value), where + ": " + value + " not in " + schema.getJsonArray("enum"));
        }
        if (value instanceof JsonObject o) {
            for (Object f : schema.getJsonArray("required", new JsonArray())) {
                assertTrue(o.containsKey((String) f), where + ": missing required field " + f + " in " + o);
            }
            JsonObject props = schema.getJsonObject("properties", new JsonObject());
            for (String f : o.fieldNames()) {
                if (props.containsKey(f)) {
                    validate(doc, props.getJsonObject(f), o.getValue(f), where + "." + f);
                } else if (schema.containsKey("properties") && !schema.containsKey("additionalProperties") && !partOfAllOf) {
                    fail(where + ": field " + f + " is not documented");
                }
            }
        }
        if (value instanceof JsonArray a && schema.containsKey("items")) {
            for (int i = 0; i < a.size(); i++) {
                validate(doc, schema.getJsonObject("items"), a.getValue(i), where + "[" + i + "]");
            }
        }
    }

    static JsonObject resolve(JsonObject doc, JsonObject s) {
        while (s.containsKey("$ref")) {
            String ref = s.getString("$ref");
            assertTrue(ref.startsWith("#/"), ref);
            JsonObject cur = doc;
            for (String part : ref.substring(2).split("/")) {
                cur = cur.getJsonObject(part);
                assertNotNull(cur, "dangling $ref " + ref);
            }
            s = cur;
        }
        return s;
    }
}
