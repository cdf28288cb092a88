package io.streamvault.server.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.restore.Times;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Snapshots and their trees: {@code GET /snapshots}, {@code /snapshots/{id}}, {@code /snapshots/{id}/tree/{path}}. */
final class SnapshotRoutes {
    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 10000;
    private final Browser browser;
    private final Worker worker;

    SnapshotRoutes(Browser browser, Worker worker) {
        this.browser = browser;
        this.worker = worker;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/snapshots", Role.READ, this::list);
        routes.add(HttpMethod.GET, "/snapshots/{id}", Role.READ, this::get);
        routes.add(HttpMethod.GET, "/snapshots/{id}/tree", Role.READ, this::tree);
        routes.add(HttpMethod.GET, "/snapshots/{id}/tree/{path}", Role.READ, this::tree);
    }

    private void list(RoutingContext ctx) {
        var q = ctx.queryParams();
        String path = q.get("path");
        String host = q.get("host");
        String tag = q.get("tag");
        Long from = q.get("from") == null ? null : Times.parseNs(q.get("from"), "from");
        Long to = q.get("to") == null ? null : Times.parseNs(q.get("to"), "to");
        worker.run(ctx, () -> {
            JsonArray unreadable = new JsonArray();
            JsonArray out = new JsonArray();
            byte[] p = path == null ? null : path.getBytes(StandardCharsets.UTF_8);
            LockState locks = browser.vault().locks().state();
            for (SnapshotRef r : browser.snapshots(e -> unreadable.add(e.getMessage()))) {
                var s = r.snapshot();
                if (p != null && !Arrays.equals(s.path(), p) && !under(s.path(), p)) {
                    continue;
                }
                if ((host != null && !host.equals(s.hostname())) || (tag != null && !s.tags().contains(tag))
                        || (from != null && s.timeNs() < from) || (to != null && s.timeNs() >= to)) {
                    continue;
                }
                out.add(JsonForms.snapshot(r, locks.protection(r)));
            }
            return new JsonObject().put("snapshots", out).put("unreadable", unreadable);
        }, body -> Replies.ok(ctx, body));
    }

    private static boolean under(byte[] path, byte[] dir) {
        int n = dir.length;
        while (n > 1 && dir[n - 1] == '/') {
            n--;
        }
        return path.length > n && Arrays.equals(path, 0, n, dir, 0, n) && (path[n] == '/' || (n == 1 && dir[0] == '/'));
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        worker.run(ctx, () -> {
            SnapshotRef r = browser.snapshot(id);
            Node root = browser.resolve(r, List.of());
            return JsonForms.snapshot(r, browser.vault().locks().state().protection(r))
                    .put("root", JsonForms.entry(root, ""));
        }, body -> Replies.ok(ctx, body));
    }

    private void tree(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        List<byte[]> path = Params.snapshotPath(ctx, "tree");
        int limit = Params.intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = Params.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        worker.run(ctx, () -> {
            SnapshotRef r = browser.snapshot(id);
            Node dir = browser.resolve(r, path);
            if (dir.type() != FileKind.DIR) {
                throw Params.invalid("\"" + Params.display(path) + "\" is a " + JsonForms.typeName(dir.type())
                        + ", not a directory");
            }
            List<Node> nodes = new ArrayList<>();
            if (dir.subtree() != null) {
                browser.entries(browser.tree(dir.subtree())).forEach(nodes::add);
            }
            JsonArray entries = new JsonArray();
            List<byte[]> child = new ArrayList<>(path);
            child.add(null);
            int end = (int) Math.min(nodes.size(), (long) offset + limit);
            for (int i = offset; i < end; i++) {
                Node n = nodes.get(i);
                child.set(child.size() - 1, n.name());
                entries.add(JsonForms.entry(n, PathCodec.encodePath(child)));
            }
            return new JsonObject().put("snapshot", r.id()).put("path", Params.display(path))
                    .put("url_path", PathCodec.encodePath(path)).put("total", nodes.size()).put("offset", offset)
                    .put("limit", limit).put("next_offset", end < nodes.size() ? end : null).put("entries", entries);
        }, body -> Replies.ok(ctx, body));
    }
}
