package io.streamvault.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.restore.Times;
import io.streamvault.vault.Node;
import io.streamvault.vault.Protection;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON forms of snapshots and tree entries (documented in openapi.json). Those of forget,
 * garbage collection, statistics and the lag of copies come from
 * {@link io.streamvault.maintenance.Reports}, those of plans and their runs from
 * {@link io.streamvault.plans.PlanReports}, which the command line prints too.
 */
final class JsonForms {
    private JsonForms() {
    }

    static String typeName(FileKind k) {
        return switch (k) {
            case FILE -> "file";
            case DIR -> "dir";
            case SYMLINK -> "symlink";
            case FIFO -> "fifo";
            case SOCKET -> "socket";
            case CHAR_DEVICE -> "chardev";
            case BLOCK_DEVICE -> "blockdev";
        };
    }

    /** A form built with Jackson (see {@link io.streamvault.maintenance.Reports}) as a Vert.x object. */
    static JsonObject of(ObjectNode node) {
        return new JsonObject(node.toString());
    }

    /** An array built with Jackson as a Vert.x array. */
    static JsonArray of(ArrayNode node) {
        return new JsonArray(node.toString());
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** A snapshot with what the backup lock says of it: retain_until and lock_mode (or null), holds. */
    static JsonObject snapshot(SnapshotRef r, Protection p) {
        JsonArray holds = new JsonArray();
        p.holds().forEach(h -> holds.add(new JsonObject().put("id", h.id()).put("reason", h.reason())
                .put("placed_at", h.placedAt().toString())));
        return snapshot(r).put("retain_until", p.retainUntil() == null ? null : p.retainUntil().toString())
                .put("lock_mode", p.mode() == null ? null : p.mode().id()).put("holds", holds);
    }

    static JsonObject snapshot(SnapshotRef r) {
        Snapshot s = r.snapshot();
        JsonObject o = new JsonObject()
                .put("id", r.id())
                .put("short_id", r.id().substring(0, 8))
                .put("time", Times.format(s.timeNs()))
                .put("time_ns", s.timeNs())
                .put("end_time_ns", s.endTimeNs())
                .put("path", RawPaths.display(s.path()))
                .put("path_b64", b64(s.path()))
                .put("hostname", s.hostname())
                .put("username", s.username())
                .put("tags", new JsonArray(List.copyOf(s.tags())))
                .put("parent", s.parent())
                .put("tree", s.tree().hex())
                .put("incomplete", s.incomplete())
                .put("warnings_total", s.warningsTotal());
        JsonObject sum = new JsonObject();
        s.summary().forEach(sum::put);
        o.put("summary", sum);
        return o;
    }

    static JsonObject entry(Node n, String urlPath) {
        JsonObject o = new JsonObject()
                .put("name", RawPaths.display(n.name()))
                .put("name_b64", b64(n.name()))
                .put("url_path", urlPath)
                .put("type", typeName(n.type()))
                .put("mode", n.mode())
                .put("mode_octal", String.format(Locale.ROOT, "%04o", n.mode()))
                .put("uid", Integer.toUnsignedLong(n.uid()))
                .put("gid", Integer.toUnsignedLong(n.gid()))
                .put("size", n.size())
                .put("mtime", Times.format(n.mtimeNs()))
                .put("mtime_ns", n.mtimeNs())
                .put("links", n.nlink())
                .put("xattrs", n.xattrs().size());
        if (n.linkTarget() != null) {
            o.put("link_target", RawPaths.display(n.linkTarget())).put("link_target_b64", b64(n.linkTarget()));
        }
        if (n.error() != null) {
            o.put("error", n.error());
        }
        if (n.changedDuringBackup()) {
            o.put("changed_during_backup", true);
        }
        return o;
    }
}
