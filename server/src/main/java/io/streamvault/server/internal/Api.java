package io.streamvault.server.internal;

import io.streamvault.restore.FilePlan;
import io.streamvault.restore.Overwrite;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.restore.Times;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The routes of API v1, each with the role it needs, registered from one table ({@link #routes}) so
 * that the OpenAPI document can be checked against exactly what is served. Vault reads run on a
 * worker pool, never on the event loop.
 */
public final class Api {
    /** Where the API lives. */
    public static final String BASE = "/api/v1";
    /** The OpenAPI document, as a class-path resource. */
    public static final String OPENAPI_RESOURCE = "/io/streamvault/server/openapi.json";
    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 10000;
    private static final String TOKEN_KEY = "sv.token";
    private static final Set<String> RESTORE_FIELDS = Set.of("snapshot", "target", "target_b64", "in_place", "include",
            "exclude", "path", "path_b64", "mtime_from", "mtime_to", "overwrite", "workers");

    /** One route: method, path in OpenAPI form, the role it needs, its handler. */
    public record RouteSpec(HttpMethod method, String path, Tokens.Role role, Handler<RoutingContext> handler) {
        /** The Vert.x form: {x} becomes :x, a trailing {path} (raw bytes, any number of names) becomes *. */
        String vertxPath() {
            return path.replace("{path}", "*").replaceAll("\\{([a-z_]+)}", ":$1");
        }
    }

    private final Browser browser;
    private final RestoreJobs jobs;
    private final Tokens tokens;
    private final WorkerExecutor worker;
    private final List<Path> restoreRoots;
    private final byte[] openapi;
    private final List<RouteSpec> routes;

    public Api(Browser browser, RestoreJobs jobs, Tokens tokens, WorkerExecutor worker, List<Path> restoreRoots) {
        this.browser = browser;
        this.jobs = jobs;
        this.tokens = tokens;
        this.worker = worker;
        this.restoreRoots = List.copyOf(restoreRoots);
        this.openapi = loadOpenApi();
        this.routes = List.of(
                new RouteSpec(HttpMethod.GET, BASE + "/openapi.json", Tokens.Role.READ, this::openapi),
                new RouteSpec(HttpMethod.GET, BASE + "/snapshots", Tokens.Role.READ, this::listSnapshots),
                new RouteSpec(HttpMethod.GET, BASE + "/snapshots/{id}", Tokens.Role.READ, this::getSnapshot),
                new RouteSpec(HttpMethod.GET, BASE + "/snapshots/{id}/tree", Tokens.Role.READ, this::tree),
                new RouteSpec(HttpMethod.GET, BASE + "/snapshots/{id}/tree/{path}", Tokens.Role.READ, this::tree),
                new RouteSpec(HttpMethod.GET, BASE + "/snapshots/{id}/files/{path}", Tokens.Role.READ, this::file),
                new RouteSpec(HttpMethod.POST, BASE + "/restores", Tokens.Role.RESTORE, this::createRestore),
                new RouteSpec(HttpMethod.GET, BASE + "/restores", Tokens.Role.RESTORE, this::listRestores),
                new RouteSpec(HttpMethod.GET, BASE + "/restores/{id}", Tokens.Role.RESTORE, this::getRestore),
                new RouteSpec(HttpMethod.DELETE, BASE + "/restores/{id}", Tokens.Role.RESTORE, this::cancelRestore));
    }

    public List<RouteSpec> routes() {
        return routes;
    }

    public Router router(io.vertx.core.Vertx vertx) {
        Router r = Router.router(vertx);
        r.route().handler(this::authenticate);
        for (RouteSpec s : routes) {
            var route = r.route(s.method(), s.vertxPath());
            if (s.method() == HttpMethod.POST) {
                route.handler(BodyHandler.create(false).setBodyLimit(1 << 20));
            }
            route.handler(requireRole(s.role())).handler(s.handler());
        }
        r.route().failureHandler(HttpErrors::handle);
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            r.errorHandler(status, ctx -> HttpErrors.handle(ctx, status));
        }
        return r;
    }

    // -- access ----------------------------------------------------------------------------------

    private void authenticate(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        String token = h != null && h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
        var entry = tokens.authenticate(token);
        if (entry.isEmpty()) {
            HttpErrors.send(ctx, ErrorCode.UNAUTHENTICATED, h == null
                    ? "this API needs an \"Authorization: Bearer TOKEN\" header" : "the bearer token is not valid");
            return;
        }
        ctx.put(TOKEN_KEY, entry.get());
        ctx.next();
    }

    private static Handler<RoutingContext> requireRole(Tokens.Role needed) {
        return ctx -> {
            Tokens.Entry e = ctx.get(TOKEN_KEY);
            if (!e.role().allows(needed)) {
                HttpErrors.send(ctx, ErrorCode.FORBIDDEN, "the token \"" + e.name() + "\" has the role "
                        + e.role().name().toLowerCase() + "; this needs " + needed.name().toLowerCase());
                return;
            }
            ctx.next();
        };
    }

    // -- helpers ---------------------------------------------------------------------------------

    private <T> void blocking(RoutingContext ctx, Callable<T> work, Handler<T> done) {
        worker.<T>executeBlocking(work, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                try {
                    done.handle(ar.result());
                } catch (RuntimeException e) {
                    ctx.fail(e);
                }
            }
        });
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    }

    private static FatalException invalid(String msg) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, msg);
    }

    private static String pathParam(RoutingContext ctx, String name) {
        return ctx.pathParam(name);
    }

    /** The raw bytes after {@code /snapshots/ID/KIND/} in the undecoded request path, split into names. */
    static List<byte[]> rawTail(RoutingContext ctx, String kind) {
        String raw = ctx.request().path();
        String marker = BASE + "/snapshots/";
        int i = raw.indexOf(marker);
        if (i < 0) {
            return List.of();
        }
        String rest = raw.substring(i + marker.length());
        int slash = rest.indexOf('/');
        rest = slash < 0 ? "" : rest.substring(slash + 1); // drop the id
        if (!rest.startsWith(kind)) {
            return List.of();
        }
        rest = rest.substring(kind.length());
        byte[] bytes = PathCodec.decode(rest);
        try {
            return RawPaths.splitRelative(bytes);
        } catch (FatalException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    private static int intParam(RoutingContext ctx, String name, int def, int min, int max) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw invalid("query parameter " + name + "=" + v + " is not between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid("query parameter " + name + "=" + v + " is not a number");
        }
    }

    // -- handlers --------------------------------------------------------------------------------

    private void openapi(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(openapi));
    }

    private void listSnapshots(RoutingContext ctx) {
        var q = ctx.queryParams();
        String path = q.get("path");
        String host = q.get("host");
        String tag = q.get("tag");
        Long from = q.get("from") == null ? null : Times.parseNs(q.get("from"), "from");
        Long to = q.get("to") == null ? null : Times.parseNs(q.get("to"), "to");
        blocking(ctx, () -> {
            JsonArray unreadable = new JsonArray();
            JsonArray out = new JsonArray();
            byte[] p = path == null ? null : path.getBytes(StandardCharsets.UTF_8);
            for (SnapshotRef r : browser.snapshots(e -> unreadable.add(e.getMessage()))) {
                var s = r.snapshot();
                if (p != null && !Arrays.equals(s.path(), p) && !under(s.path(), p)) {
                    continue;
                }
                if ((host != null && !host.equals(s.hostname())) || (tag != null && !s.tags().contains(tag))
                        || (from != null && s.timeNs() < from) || (to != null && s.timeNs() >= to)) {
                    continue;
                }
                out.add(JsonForms.snapshot(r));
            }
            return new JsonObject().put("snapshots", out).put("unreadable", unreadable);
        }, body -> json(ctx, 200, body));
    }

    private static boolean under(byte[] path, byte[] dir) {
        int n = dir.length;
        while (n > 1 && dir[n - 1] == '/') {
            n--;
        }
        return path.length > n && Arrays.equals(path, 0, n, dir, 0, n) && (path[n] == '/' || (n == 1 && dir[0] == '/'));
    }

    private void getSnapshot(RoutingContext ctx) {
        String id = pathParam(ctx, "id");
        blocking(ctx, () -> {
            SnapshotRef r = browser.snapshot(id);
            Node root = browser.resolve(r, List.of());
            return JsonForms.snapshot(r).put("root", JsonForms.entry(root, ""));
        }, body -> json(ctx, 200, body));
    }

    private void tree(RoutingContext ctx) {
        String id = pathParam(ctx, "id");
        List<byte[]> path = rawTail(ctx, "tree");
        int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        blocking(ctx, () -> {
            SnapshotRef r = browser.snapshot(id);
            Node dir = browser.resolve(r, path);
            if (dir.type() != FileKind.DIR) {
                throw invalid("\"" + display(path) + "\" is a " + JsonForms.typeName(dir.type()) + ", not a directory");
            }
            List<Node> nodes = new java.util.ArrayList<>();
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
            return new JsonObject().put("snapshot", r.id()).put("path", display(path))
                    .put("url_path", PathCodec.encodePath(path)).put("total", nodes.size()).put("offset", offset)
                    .put("limit", limit).put("next_offset", end < nodes.size() ? end : null).put("entries", entries);
        }, body -> json(ctx, 200, body));
    }

    private static String display(List<byte[]> path) {
        StringBuilder sb = new StringBuilder();
        for (byte[] n : path) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(RawPaths.display(n));
        }
        return sb.toString();
    }

    /** A file to send: where its bytes are, and its entity tag (from its chunk ids). */
    private record Download(Node node, FilePlan plan, String etag) {
    }

    private void file(RoutingContext ctx) {
        String id = pathParam(ctx, "id");
        List<byte[]> path = rawTail(ctx, "files");
        if (path.isEmpty()) {
            throw invalid("name a file: /snapshots/{id}/files/{path}");
        }
        String range = ctx.request().getHeader("Range");
        blocking(ctx, () -> {
            SnapshotRef r = browser.snapshot(id);
            Node n = browser.resolve(r, path);
            if (n.type() != FileKind.FILE) {
                throw invalid("\"" + display(path) + "\" is a " + JsonForms.typeName(n.type()) + ", not a regular file");
            }
            FilePlan plan = FilePlan.of(n, chunk -> browser.locate(chunk, BlobType.DATA));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (FilePlan.Chunk c : plan.chunks()) {
                md.update(c.id().bytes());
            }
            String etag = "\"" + java.util.HexFormat.of().formatHex(md.digest(), 0, 16) + "\"";
            return new Download(n, plan, etag);
        }, download -> sendFile(ctx, download, range, path));
    }

    private void sendFile(RoutingContext ctx, Download download, String range, List<byte[]> path) {
        HttpServerResponse resp = ctx.response();
        long size = download.plan().size();
        long start = 0;
        long end = size - 1;
        int status = 200;
        long[] r = parseRange(range, size);
        if (r != null) {
            if (r[0] < 0) {
                resp.putHeader("Content-Range", "bytes */" + size);
                HttpErrors.send(ctx, ErrorCode.RANGE_NOT_SATISFIABLE, "range " + range + " lies outside the file ("
                        + size + " bytes)");
                return;
            }
            start = r[0];
            end = r[1];
            status = 206;
            resp.putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        byte[] name = path.get(path.size() - 1);
        resp.setStatusCode(status)
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("ETag", download.etag())
                .putHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(
                        java.time.Instant.ofEpochSecond(Math.floorDiv(download.node().mtimeNs(), 1_000_000_000L)), ZoneOffset.UTC)))
                .putHeader("Content-Disposition", "attachment; filename*=UTF-8''" + PathCodec.encodeName(name))
                .putHeader("Content-Length", Long.toString(end - start + 1));
        pump(ctx, download.plan().range(start, end - start + 1), 0);
    }

    /** Sends slice i (its chunk read on the worker pool), then the next. */
    private void pump(RoutingContext ctx, List<FilePlan.Slice> slices, int i) {
        HttpServerResponse resp = ctx.response();
        if (i >= slices.size()) {
            resp.end();
            return;
        }
        if (resp.closed()) {
            return;
        }
        FilePlan.Slice s = slices.get(i);
        worker.executeBlocking(() -> browser.vault().readBlob(s.chunk().location()), false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause()); // before the first write: a JSON error; after: the connection is reset
                return;
            }
            byte[] data = ar.result();
            resp.write(Buffer.buffer(s.length() == data.length ? data : Arrays.copyOfRange(data, s.from(), s.to())));
            if (resp.writeQueueFull()) {
                resp.drainHandler(v -> pump(ctx, slices, i + 1));
            } else {
                pump(ctx, slices, i + 1);
            }
        });
    }

    /**
     * One byte range of a Range header: {start, end} (inclusive); {-1, -1} when unsatisfiable; null
     * to send the whole file (no header, a malformed one, or several ranges: RFC 9110 allows ignoring).
     */
    static long[] parseRange(String h, long size) {
        if (h == null) {
            return null;
        }
        String v = h.trim();
        if (!v.regionMatches(true, 0, "bytes=", 0, 6) || v.indexOf(',') >= 0) {
            return null;
        }
        v = v.substring(6).trim();
        int dash = v.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = v.substring(0, dash).trim();
        String b = v.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = Long.parseLong(b);
                if (n < 0) {
                    return null;
                }
                if (n == 0 || size == 0) {
                    return new long[] {-1, -1};
                }
                return new long[] {Math.max(0, size - n), size - 1};
            }
            long s = Long.parseLong(a);
            long e = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (s < 0 || e < s) {
                return null;
            }
            if (s >= size) {
                return new long[] {-1, -1};
            }
            return new long[] {s, Math.min(e, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // -- restores --------------------------------------------------------------------------------

    private void createRestore(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw invalid("the request needs a JSON object body");
        }
        Object value = Json.decodeValue(body);
        if (!(value instanceof JsonObject req)) {
            throw invalid("the request body must be a JSON object");
        }
        Tokens.Entry who = ctx.get(TOKEN_KEY);
        blocking(ctx, () -> {
            for (String f : req.fieldNames()) {
                if (!RESTORE_FIELDS.contains(f)) {
                    throw invalid("unknown field \"" + f + "\" (known: " + String.join(", ", new java.util.TreeSet<>(RESTORE_FIELDS)) + ")");
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
            SnapshotRef ref = browser.snapshot(snap);
            Path dest = RawPaths.of(inPlace ? ref.snapshot().path() : target);
            if (!dest.isAbsolute()) {
                throw invalid("the target \"" + RawPaths.display(dest) + "\" is not an absolute path");
            }
            checkConfined(dest);
            return jobs.submit(ref, dest, options, who.name());
        }, job -> {
            ctx.response().putHeader("Location", BASE + "/restores/" + job.id());
            json(ctx, 202, job.json());
        });
    }

    private void checkConfined(Path dest) throws IOException {
        if (restoreRoots.isEmpty()) {
            return;
        }
        Path existing = dest.normalize();
        Path rest = existing.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        Path real = existing == null ? dest.normalize() : existing.toRealPath().resolve(rest).normalize();
        for (Path root : restoreRoots) {
            Path r = Files.exists(root) ? root.toRealPath() : root.toAbsolutePath().normalize();
            if (real.startsWith(r)) {
                return;
            }
        }
        throw new FatalException(ErrorCode.FORBIDDEN, "the target " + RawPaths.display(dest)
                + " is outside the directories this server restores into");
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
                return java.util.Base64.getDecoder().decode(b);
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

    private void listRestores(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (RestoreJobs.Job j : jobs.list()) {
            out.add(j.json());
        }
        json(ctx, 200, new JsonObject().put("restores", out));
    }

    private void getRestore(RoutingContext ctx) {
        json(ctx, 200, jobs.get(pathParam(ctx, "id")).json());
    }

    private void cancelRestore(RoutingContext ctx) {
        json(ctx, 200, jobs.cancel(pathParam(ctx, "id")).json());
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = Api.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new FatalException(ErrorCode.INTERNAL, "the OpenAPI document " + OPENAPI_RESOURCE + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot read the OpenAPI document", e);
        }
    }
}
