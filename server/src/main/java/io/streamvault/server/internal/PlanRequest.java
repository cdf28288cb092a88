package io.streamvault.server.internal;

import static io.streamvault.server.internal.Params.invalid;

import io.streamvault.plans.PlanEdit;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /plans} and {@code PATCH /plans/{name}} (the PlanRequest schema of
 * openapi.json) as a {@link PlanEdit}, which checks the values as {@code plan create} and
 * {@code plan edit} do. Here only the JSON types are read, and {@code path} must be absolute (a
 * server has no working directory of the caller's). A field that is absent or null takes its default
 * (creation) or stays as it was (change), except {@code "schedule": null}, which removes the schedule.
 */
final class PlanRequest {
    /** The fields of a change; a creation also takes {@code name}. */
    static final Set<String> FIELDS = Set.of("path", "schedule", "tz", "keep", "retain", "tags", "excludes", "host",
            "overlap", "continuous", "rpo", "full_walk_every", "gc", "copy_to");
    static final Set<String> CREATE_FIELDS = with(FIELDS, "name");

    private PlanRequest() {
    }

    private static Set<String> with(Set<String> fields, String more) {
        Set<String> out = new HashSet<>(fields);
        out.add(more);
        return Set.copyOf(out);
    }

    /** The name of a new plan (checked by the plan itself). */
    static String name(JsonObject body) {
        String name = JsonBody.string(body, "name");
        if (name == null) {
            throw invalid("\"name\" is required: the new plan's name (1-64 of a-z 0-9 . _ -)");
        }
        return name;
    }

    /** The change {@code body} asks for; {@code create}: the body of a new plan (which has a name). */
    static PlanEdit edit(JsonObject body, boolean create) {
        JsonBody.onlyKnown(body, create ? CREATE_FIELDS : FIELDS);
        String path = JsonBody.string(body, "path");
        if (path != null && !path.isBlank() && !Path.of(path.strip()).isAbsolute()) {
            throw invalid("\"path\" must be an absolute directory on the agents' machines, not '" + path + "'");
        }
        boolean clearSchedule = body.containsKey("schedule") && body.getValue("schedule") == null;
        return new PlanEdit(path, JsonBody.string(body, "schedule"), clearSchedule, JsonBody.string(body, "tz"), keep(body),
                JsonBody.string(body, "retain"), list(body, "tags"), list(body, "excludes"), JsonBody.string(body, "host"),
                JsonBody.string(body, "overlap"), bool(body, "continuous"), JsonBody.string(body, "rpo"),
                JsonBody.string(body, "full_walk_every"), bool(body, "gc"), JsonBody.string(body, "copy_to"));
    }

    /** {@code keep}: an object of retention options ({@code "keep-daily": "7"}); a value "" or null removes one. */
    private static Map<String, String> keep(JsonObject body) {
        Object v = body.getValue("keep");
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonObject o)) {
            throw invalid("\"keep\" must be an object of retention options, e.g. {\"keep-daily\": \"7\"}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String option : o.fieldNames()) {
            Object x = o.getValue(option);
            if (x == null || x instanceof String) {
                out.put(option, (String) x);
            } else if (x instanceof Integer || x instanceof Long) {
                out.put(option, x.toString());
            } else {
                throw invalid("\"keep\": the value of " + option + " must be a string or a whole number");
            }
        }
        return out;
    }

    private static List<String> list(JsonObject body, String f) {
        return body.getValue(f) == null ? null : JsonBody.strings(body, f);
    }

    private static Boolean bool(JsonObject body, String f) {
        return body.getValue(f) == null ? null : JsonBody.bool(body, f, false);
    }
}
