package io.streamvault.server.internal;

import static io.streamvault.server.internal.Params.invalid;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading a request's JSON body field by field; a bad body or field is an
 * {@code INVALID_ARGUMENT} error that names the field.
 */
final class JsonBody {
    private JsonBody() {
    }

    /** The body as a JSON object; {@code emptyAllowed}: a missing or empty body is the empty object. */
    static JsonObject object(RoutingContext ctx, boolean emptyAllowed) {
        return object(ctx.body().buffer(), emptyAllowed);
    }

    /** {@link #object(RoutingContext, boolean)} of a body as received (null when there is none). */
    static JsonObject object(Buffer body, boolean emptyAllowed) {
        if (body == null || body.length() == 0) {
            if (emptyAllowed) {
                return new JsonObject();
            }
            throw invalid("the request needs a JSON object body");
        }
        Object value = Json.decodeValue(body);
        if (!(value instanceof JsonObject json)) {
            throw invalid("the request body must be a JSON object");
        }
        return json;
    }

    /** Refuses a field not in {@code known}, listing the known ones. */
    static void onlyKnown(JsonObject o, Set<String> known) {
        for (String f : o.fieldNames()) {
            if (!known.contains(f)) {
                throw invalid("unknown field \"" + f + "\" (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** A string field, or null when absent (or null). */
    static String string(JsonObject o, String f) {
        Object v = o.getValue(f);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw invalid("\"" + f + "\" must be a string");
        }
        return s;
    }

    /** A true/false field, {@code def} when absent. */
    static boolean bool(JsonObject o, String f, boolean def) {
        Object v = o.getValue(f);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Boolean b)) {
            throw invalid("\"" + f + "\" must be true or false");
        }
        return b;
    }

    /** An array of strings, empty when absent. */
    static List<String> strings(JsonObject o, String f) {
        Object v = o.getValue(f);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof JsonArray a)) {
            throw invalid("\"" + f + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object x : a) {
            if (!(x instanceof String s)) {
                throw invalid("\"" + f + "\" must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }
}
