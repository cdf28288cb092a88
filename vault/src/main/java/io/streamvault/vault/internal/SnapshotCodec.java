package io.streamvault.vault.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Snapshot objects: canonical JSON (fixed field order, summary keys sorted), sealed
 * deterministically with associated data {@code "snapshot"}.
 */
final class SnapshotCodec {
    static final String PREFIX = ObjectKind.SNAPSHOT.prefix();
    static final byte[] AAD = "snapshot".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** The version of a snapshot with a retention: a program that knows only 1 refuses it, never deletes it. */
    static final int RETAINED_VERSION = 2;

    private SnapshotCodec() {
    }

    static byte[] encode(Snapshot s) {
        int version = s.retainUntilNs() > 0 ? RETAINED_VERSION : VERSION;
        if (s.version() != version) {
            throw Errors.invalid("snapshot version must be " + version + ", not " + s.version());
        }
        if (s.retainUntilNs() < 0 || (s.retainUntilNs() > 0) != (s.lockMode() != null)) {
            throw Errors.invalid("a snapshot's retain-until and lock mode are given together, or neither");
        }
        if (s.tree() == null || s.path() == null) {
            throw Errors.invalid("a snapshot needs a tree and a path");
        }
        if (s.parent() != null && !Ids.isId(s.parent())) {
            throw Errors.invalid("parent snapshot \"" + s.parent() + "\" is not a full 64-digit id");
        }
        Map<String, Long> summary = s.summary() == null ? Map.of() : new TreeMap<>(s.summary());
        return Json.write(512, g -> {
            g.writeStartObject();
            g.writeNumberField("version", version);
            g.writeStringField("time", rfc3339(s.timeNs()));
            g.writeNumberField("time_ns", s.timeNs());
            g.writeNumberField("end_time_ns", s.endTimeNs());
            g.writeStringField("tree", s.tree().hex());
            g.writeStringField("path", Json.base64(s.path()));
            if (s.hostname() != null) {
                g.writeStringField("hostname", s.hostname());
            }
            if (s.username() != null) {
                g.writeStringField("username", s.username());
            }
            writeStrings(g, "tags", s.tags());
            if (s.parent() != null) {
                g.writeStringField("parent", s.parent());
            }
            if (s.job() != null) {
                g.writeStringField("job", s.job());
            }
            g.writeBooleanField("incomplete", s.incomplete());
            writeStrings(g, "warnings", s.warnings());
            g.writeNumberField("warnings_total", s.warningsTotal());
            g.writeObjectFieldStart("summary");
            for (Map.Entry<String, Long> e : summary.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw Errors.invalid("snapshot summary has a null key or value");
                }
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (version == RETAINED_VERSION) {
                g.writeStringField("retain_until", rfc3339(s.retainUntilNs()));
                g.writeNumberField("retain_until_ns", s.retainUntilNs());
                g.writeStringField("lock_mode", s.lockMode().id());
            }
            g.writeEndObject();
        });
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> list) throws IOException {
        g.writeArrayFieldStart(field);
        if (list != null) {
            for (String t : list) {
                if (t == null) {
                    throw Errors.invalid("snapshot " + field + " has a null entry");
                }
                g.writeString(t);
            }
        }
        g.writeEndArray();
    }

    static Snapshot decode(byte[] json, String what) {
        JsonNode o = Json.parseObject(json, what);
        long version = Json.longValue(o, "version", what);
        if (version != VERSION && version != RETAINED_VERSION) {
            throw new FatalException(ErrorCode.UNSUPPORTED, what + " has snapshot version " + version
                    + "; this program reads " + VERSION + " and " + RETAINED_VERSION);
        }
        long retainUntil = 0;
        LockMode mode = null;
        if (version == RETAINED_VERSION) {
            retainUntil = Json.longValue(o, "retain_until_ns", what);
            if (retainUntil <= 0) {
                throw Errors.corrupt(what + ": retain_until_ns " + retainUntil + " is not a time");
            }
            try {
                mode = LockMode.of(Json.text(o, "lock_mode", what));
            } catch (FatalException e) {
                throw Errors.corrupt(what + ": " + e.getMessage());
            }
        }
        String tree = Json.text(o, "tree", what);
        if (!Ids.isId(tree)) {
            throw Errors.corrupt(what + ": tree \"" + tree + "\" is not a 64-digit hex id");
        }
        String parent = Json.optText(o, "parent", what);
        if (parent != null && !Ids.isId(parent)) {
            throw Errors.corrupt(what + ": parent \"" + parent + "\" is not a 64-digit hex id");
        }
        Map<String, Long> summary = new TreeMap<>();
        JsonNode sum = Json.object(o, "summary", what);
        for (Map.Entry<String, JsonNode> e : sum.properties()) {
            summary.put(e.getKey(), Json.longValue(sum, e.getKey(), what + " summary"));
        }
        return new Snapshot((int) version, Json.longValue(o, "time_ns", what), Json.longValue(o, "end_time_ns", what),
                BlobId.parse(tree), Json.base64(o, "path", what), Json.optText(o, "hostname", what),
                Json.optText(o, "username", what), strings(o, "tags", what), parent, Json.optText(o, "job", what),
                Json.bool(o, "incomplete", what), strings(o, "warnings", what),
                Json.longValue(o, "warnings_total", what), Collections.unmodifiableMap(summary), retainUntil, mode);
    }

    private static List<String> strings(JsonNode o, String field, String what) {
        JsonNode a = o.get(field);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw Errors.corrupt(what + ": \"" + field + "\" is not an array");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode t : a) {
            if (!t.isTextual()) {
                throw Errors.corrupt(what + ": \"" + field + "\" holds a non-string");
            }
            out.add(t.textValue());
        }
        return Collections.unmodifiableList(out);
    }

    static String rfc3339(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)).toString();
    }
}
