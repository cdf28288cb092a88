package io.streamvault.server.internal;

import static io.streamvault.server.internal.Params.invalid;

import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.Times;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

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
        JsonBody.onlyKnown(req, FIELDS);
        String snap = JsonBody.string(req, "snapshot");
        if (snap == null || snap.isEmpty()) {
            throw invalid("\"snapshot\" (an id, a unique id prefix, or \"latest\") is required");
        }
        boolean inPlace = JsonBody.bool(req, "in_place", false);
        byte[] target = bytesField(req, "target");
        if (target == null && !inPlace) {
            throw invalid("give \"target\" (an absolute directory) or \"in_place\": true");
        }
        if (target != null && inPlace) {
            throw invalid("give either \"target\" or \"in_place\", not both");
        }
        byte[] prefix = bytesField(req, "path");
        String mtimeFrom = JsonBody.string(req, "mtime_from");
        String mtimeTo = JsonBody.string(req, "mtime_to");
        String overwrite = JsonBody.string(req, "overwrite");
        Object w = req.getValue("workers");
        if (w != null && !(w instanceof Integer)) {
            throw invalid("\"workers\" must be an integer");
        }
        RestoreOptions options = new RestoreOptions(JsonBody.strings(req, "include"), JsonBody.strings(req, "exclude"),
                prefix == null ? new byte[0] : prefix,
                mtimeFrom == null ? null : Times.parseNs(mtimeFrom, "mtime_from"),
                mtimeTo == null ? null : Times.parseNs(mtimeTo, "mtime_to"),
                overwrite == null ? Overwrite.ALWAYS : Overwrite.parse(overwrite),
                w == null ? RestoreOptions.defaultWorkers() : (Integer) w);
        return new RestoreRequest(snap, target, inPlace, options);
    }

    /** A raw path given as "f" (a string, UTF-8) or "f_b64" (base64 of the raw bytes). */
    private static byte[] bytesField(JsonObject o, String f) {
        String s = JsonBody.string(o, f);
        String b = JsonBody.string(o, f + "_b64");
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
}
