package io.streamvault.server.internal;

import static io.streamvault.server.internal.Params.invalid;

import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code POST /restores}, checked field by field (see the RestoreRequest schema of
 * openapi.json).
 *
 * @param snapshot an id, a unique id prefix, or {@code latest}
 * @param target the raw target directory, null with {@code inPlace}
 * @param inPlace restore into the backed-up directory itself
 */
record RestoreRequest(String snapshot, byte[] target, boolean inPlace, RestoreOptions options) {
    static final Set<String> FIELDS = Set.of("snapshot", "target", "target_b64", "in_place", "include",
            "exclude", "path", "path_b64", "mtime_from", "mtime_to", "overwrite", "workers");

    static RestoreRequest parse(JsonObject req) {
        for (String f : req.fieldNames()) {
            if (!FIELDS.contains(f)) {
                throw invalid("unknown field \"" + f + "\" (known: " + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        String snap = string(req, "snapshot");
        if (snap == null || snap.isEmpty()) {
            throw invalid("\"snapshot\" (an id, a unique id prefix, or \"latest\") is required");
        }
        Boolean inPlace = req.getValue("in_place") == null ? Boolean.FALSE
                : req.getValue("in_place") instanceof Boolean b ? b : null;
        if (inPlace == null) {
            throw invalid("\"in_place\" must be true or false");
        }
        byte[] target = bytesField(req, "target");
        if (target == null && !inPlace) {
            throw invalid("give \"target\" (an absolute directory) or \"in_place\": true");
        }
        if (target != null && inPlace) {
            throw invalid("give either \"target\" or \"in_place\", not both");
        }
        byte[] prefix = bytesField(req, "path");
        String mtimeFrom = string(req, "mtime_from");
        String mtimeTo = string(req, "mtime_to");
        String overwrite = string(req, "overwrite");
        Object w = req.getValue("workers");
        if (w != null && !(w instanceof Integer)) {
            throw invalid("\"workers\" must be an integer");
        }
        RestoreOptions options = new RestoreOptions(strings(req, "include"), strings(req, "exclude"),
                prefix == null ? new byte[0] : prefix,
                mtimeFrom == null ? null : Times.parseNs(mtimeFrom, "mtime_from"),
                mtimeTo == null ? null : Times.parseNs(mtimeTo, "mtime_to"),
                overwrite == null ? Overwrite.ALWAYS : Overwrite.parse(overwrite),
                w == null ? RestoreOptions.defaultWorkers() : (Integer) w);
        return new RestoreRequest(snap, target, inPlace, options);
    }

    private static String string(JsonObject o, String f) {
        Object v = o.getValue(f);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw invalid("\"" + f + "\" must be a string");
        }
        return s;
    }

    /** A raw path given as "f" (a string, UTF-8) or "f_b64" (base64 of the raw bytes). */
    private static byte[] bytesField(JsonObject o, String f) {
        String s = string(o, f);
        String b = string(o, f + "_b64");
        if (s != null && b != null) {
            throw invalid("give \"" + f + "\" or \"" + f + "_b64\", not both");
        }
        if (b != null) {
            try {
                return Base64.getDecoder().decode(b);
            } catch (IllegalArgumentException e) {
                throw invalid("\"" + f + "_b64\" is not base64");
            }
        }
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(JsonObject o, String f) {
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
