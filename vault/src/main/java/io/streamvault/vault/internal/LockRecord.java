package io.streamvault.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.ObjectKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * One lock record, {@code locks/<id>}: JSON sealed under the master key with associated data
 * {@code "lock"}, named by the SHA-256 of its stored bytes (docs/lock.md). Fields by type:
 * {@code lock} (mode, min_retention_s, max_retention_s or absent, changeable_until_ns, bypass_keys),
 * {@code remove} (bypass), {@code retain} (snapshot, until_ns, mode), {@code hold} (snapshot, hold,
 * reason), {@code release} (snapshot, reason), {@code bypass} (snapshot, until_ns: a governance
 * retention lifted to delete it). Every record has {@code time_ns} (the storage service's clock when
 * written) and {@code key} (the key object that wrote it).
 */
record LockRecord(String id, String type, long timeNs, String key, LockMode mode, Duration min, Duration max,
        long changeableUntilNs, List<String> bypassKeys, boolean bypass, String snapshot, long untilNs, String hold,
        String reason) {
    static final String PREFIX = ObjectKind.LOCK.prefix();
    private static final byte[] AAD = "lock".getBytes(StandardCharsets.US_ASCII);

    static LockRecord lock(long timeNs, String key, LockMode mode, Duration min, Duration max, long changeableUntilNs,
            List<String> bypassKeys, boolean bypass) {
        return new LockRecord(null, "lock", timeNs, key, mode, min, max, changeableUntilNs, bypassKeys, bypass, null, 0,
                null, null);
    }

    static LockRecord remove(long timeNs, String key, boolean bypass) {
        return new LockRecord(null, "remove", timeNs, key, null, null, null, 0, List.of(), bypass, null, 0, null, null);
    }

    static LockRecord retain(long timeNs, String key, String snapshot, long untilNs, LockMode mode) {
        return new LockRecord(null, "retain", timeNs, key, mode, null, null, 0, List.of(), false, snapshot, untilNs, null,
                null);
    }

    static LockRecord hold(long timeNs, String key, String snapshot, String hold, String reason) {
        return new LockRecord(null, "hold", timeNs, key, null, null, null, 0, List.of(), false, snapshot, 0, hold, reason);
    }

    static LockRecord release(long timeNs, String key, String snapshot, String reason) {
        return new LockRecord(null, "release", timeNs, key, null, null, null, 0, List.of(), false, snapshot, 0, null,
                reason);
    }

    static LockRecord bypass(long timeNs, String key, String snapshot, long untilNs) {
        return new LockRecord(null, "bypass", timeNs, key, null, null, null, 0, List.of(), true, snapshot, untilNs, null,
                null);
    }

    /** Seals the record; the object's name is {@code PREFIX + sha256(result)}. */
    byte[] seal(MasterKey masterKey) {
        byte[] json = Json.write(256, g -> {
            g.writeStartObject();
            g.writeNumberField("version", 1);
            g.writeStringField("type", type);
            g.writeNumberField("time_ns", timeNs);
            g.writeStringField("key", key);
            if (mode != null) {
                g.writeStringField("mode", mode.id());
            }
            if (type.equals("lock")) {
                g.writeNumberField("min_retention_s", min.toSeconds());
                if (max != null) {
                    g.writeNumberField("max_retention_s", max.toSeconds());
                }
                g.writeNumberField("changeable_until_ns", changeableUntilNs);
                g.writeArrayFieldStart("bypass_keys");
                for (String k : bypassKeys) {
                    g.writeString(k);
                }
                g.writeEndArray();
            }
            g.writeBooleanField("bypass", bypass);
            if (snapshot != null) {
                g.writeStringField("snapshot", snapshot);
            }
            if (untilNs != 0) {
                g.writeNumberField("until_ns", untilNs);
            }
            if (hold != null) {
                g.writeStringField("hold", hold);
            }
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
            g.writeEndObject();
        });
        return Aead.seal(masterKey.aes(), AAD, json);
    }

    /** Opens and parses a stored record; CORRUPT_OBJECT naming it when it is not one. */
    static LockRecord open(String id, byte[] stored, MasterKey masterKey, String location) {
        String what = "lock record " + PREFIX + id + " in " + location;
        if (!Ids.sha256Hex(stored).equals(id)) {
            throw Errors.corrupt(what + ": content does not match its name (SHA-256)");
        }
        JsonNode o;
        try {
            o = Json.parseObject(Aead.open(masterKey.aes(), AAD, stored), what);
        } catch (AEADBadTagException e) {
            throw Errors.corrupt(what + " fails authentication", e);
        }
        if (Json.longValue(o, "version", what) != 1) {
            throw Errors.corrupt(what + " has an unknown version");
        }
        String type = Json.text(o, "type", what);
        LockMode mode = null;
        String m = Json.optText(o, "mode", what);
        try {
            mode = m == null ? null : LockMode.of(m);
        } catch (FatalException e) {
            throw Errors.corrupt(what + ": " + e.getMessage());
        }
        List<String> keys = new ArrayList<>();
        JsonNode a = o.get("bypass_keys");
        if (a != null && a.isArray()) {
            a.forEach(k -> keys.add(k.asText()));
        }
        Duration min = null;
        Duration max = null;
        long changeable = 0;
        if (type.equals("lock")) {
            if (mode == null) {
                throw Errors.corrupt(what + ": a lock record without a mode");
            }
            min = Duration.ofSeconds(Json.longValue(o, "min_retention_s", what));
            max = o.has("max_retention_s") ? Duration.ofSeconds(Json.longValue(o, "max_retention_s", what)) : null;
            changeable = Json.longValue(o, "changeable_until_ns", what);
        } else if (!List.of("remove", "retain", "hold", "release", "bypass").contains(type)) {
            throw Errors.corrupt(what + " has an unknown type \"" + type + "\"");
        }
        String snapshot = Json.optText(o, "snapshot", what);
        if (!type.equals("lock") && !type.equals("remove") && !Ids.isId(snapshot)) {
            throw Errors.corrupt(what + ": a " + type + " record names no snapshot");
        }
        long until = o.has("until_ns") ? Json.longValue(o, "until_ns", what) : 0;
        if (type.equals("retain") && (until <= 0 || mode == null)) {
            throw Errors.corrupt(what + ": a retain record without a time or a mode");
        }
        return new LockRecord(id, type, Json.longValue(o, "time_ns", what), Json.text(o, "key", what), mode, min, max,
                changeable, keys, Json.bool(o, "bypass", what), snapshot, until, Json.optText(o, "hold", what),
                Json.optText(o, "reason", what));
    }

    /** This record written at {@code ns}. */
    LockRecord at(long ns) {
        return new LockRecord(id, type, ns, key, mode, min, max, changeableUntilNs, bypassKeys, bypass, snapshot, untilNs,
                hold, reason);
    }

    Instant time() {
        return Instant.ofEpochSecond(0, timeNs);
    }
}
