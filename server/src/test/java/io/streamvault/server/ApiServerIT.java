package io.streamvault.server;

import static io.streamvault.server.OpenApiCheck.assertDocumented;
import static io.streamvault.server.OpenApiCheck.validate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.TestVault;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API, served for real over a real vault, driven with the Vert.x WebClient. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerIT {
    static final String READ = "read-token-0123456789abcdef";
    static final String RESTORE = "restore-token-0123456789abcdef";
    static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final byte[] BAD_UTF8 = {(byte) 0xff, 'n', 'a', 'm', 'e', '\n', (byte) 0x80};
    static final long OLD = Instant.parse("2023-06-01T00:00:00Z").getEpochSecond() * 1_000_000_000L + 123;
    static final long NEW = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond() * 1_000_000_000L + 456;

    @TempDir
    static Path tmp;
    Path src;
    Path live;
    TestVault tv;
    ApiServer server;
    Vertx vertx;
    WebClient client;
    String snap;
    String liveSnap;
    String bigSnap;
    byte[] big;

    @BeforeAll
    void start() throws Exception {
        Random rnd = new Random(7);
        src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("docs"));
        Files.createDirectories(src.resolve("data/logs"));
        Files.createDirectories(src.resolve("many"));
        Files.createDirectories(src.resolve("empty"));
        Files.writeString(src.resolve("docs/readme.txt"), "read me\n");
        Files.write(src.resolve("docs/report-2023.pdf"), bytes(rnd, 3000));
        Files.write(src.resolve("docs/report-2024.pdf"), bytes(rnd, 4000));
        big = bytes(rnd, 300_000);
        Files.write(src.resolve("data/big.bin"), big);
        Files.writeString(src.resolve("data/logs/a.log"), "a\n");
        Files.writeString(src.resolve("data/logs/b.log"), "b\n");
        Files.writeString(src.resolve("new\nline"), "newline\n");
        Files.write(RawPaths.resolve(src, BAD_UTF8), "bad utf-8\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 25; i++) {
            Files.writeString(src.resolve("many/f" + (char) ('a' + i)), "file " + i);
        }
        Files.createSymbolicLink(src.resolve("link"), Path.of("docs/readme.txt"));
        Files.write(src.resolve("empty-file"), new byte[0]);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                long t = p.getFileName().toString().contains("2023") ? OLD : NEW;
                Posix.setTimes(p, t, t);
            }
        }
        live = Files.createDirectories(tmp.resolve("live"));
        Files.writeString(live.resolve("a.txt"), "A from the snapshot");
        Files.writeString(live.resolve("b.txt"), "B from the snapshot");
        Files.writeString(live.resolve("c.txt"), "C from the snapshot");
        for (String n : List.of("a.txt", "b.txt", "c.txt")) {
            Posix.setTimes(live.resolve(n), NEW, NEW);
        }
        Path bigDir = Files.createDirectories(tmp.resolve("bigsrc"));
        Files.write(bigDir.resolve("huge.bin"), bytes(rnd, 96 << 20));

        tv = TestVault.create(tmp.resolve("vault"), 64 << 10);
        snap = tv.backup(src, "host-a");
        liveSnap = tv.backup(live, "host-b");
        bigSnap = tv.backup(bigDir, "host-c");
        Files.delete(bigDir.resolve("huge.bin"));
        Path tokens = Files.writeString(tmp.resolve("tokens"), "# test tokens\nread " + READ + " reader\n"
                + "restore sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(RESTORE.getBytes(StandardCharsets.UTF_8))) + " restorer\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = ApiServer.start(tv.vault, new ApiServer.Options("127.0.0.1", 0, tokens, null, null, List.of(), 1, 4)
                .withMetrics(new ApiServer.Metrics(prometheus, () -> prometheus.scrape(METRICS_TYPE), Duration.ofMinutes(1),
                        Duration.ofMinutes(15), plan -> List.of())));
        vertx = Vertx.vertx();
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
            vertx.close().await();
        }
        if (server != null) {
            server.close();
        }
        if (tv != null) {
            tv.close();
        }
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    HttpRequest<Buffer> req(HttpMethod m, String uri, String token) {
        HttpRequest<Buffer> r = client.request(m, uri);
        if (token != null) {
            r.putHeader("Authorization", "Bearer " + token);
        }
        return r;
    }

    HttpResponse<Buffer> get(String uri) {
        return req(HttpMethod.GET, uri, READ).send().await();
    }

    HttpResponse<Buffer> post(String json, String token) {
        return req(HttpMethod.POST, "/api/v1/restores", token).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(json)).await();
    }

    static void assertError(HttpResponse<Buffer> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        JsonObject e = r.bodyAsJsonObject();
        assertEquals(code, e.getString("code"), r.bodyAsString());
        assertFalse(e.getString("message").isBlank());
    }

    JsonObject awaitJob(String id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            JsonObject j = req(HttpMethod.GET, "/api/v1/restores/" + id, RESTORE).send().await().bodyAsJsonObject();
            String s = j.getString("state");
            if (!s.equals("queued") && !s.equals("running")) {
                return j;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("restore job " + id + " did not finish");
    }

    JsonObject restore(JsonObject body) throws InterruptedException {
        HttpResponse<Buffer> r = post(body.encode(), RESTORE);
        assertEquals(202, r.statusCode(), r.bodyAsString());
        String id = r.bodyAsJsonObject().getString("id");
        assertEquals("/api/v1/restores/" + id, r.getHeader("Location"));
        return awaitJob(id);
    }

    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> !p.equals(root)).toList()) {
                String rel = RawPaths.display(RawPaths.bytes(root.relativize(p)));
                out.put(rel, Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p) ? "dir" : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    // -- browsing --------------------------------------------------------------------------------

    @Test
    void listsSnapshotsWithFilters() {
        HttpResponse<Buffer> r = get("/api/v1/snapshots");
        assertEquals(200, r.statusCode());
        JsonArray all = r.bodyAsJsonObject().getJsonArray("snapshots");
        assertEquals(3, all.size());
        assertEquals(0, r.bodyAsJsonObject().getJsonArray("unreadable").size());
        JsonArray byHost = get("/api/v1/snapshots?host=host-a").bodyAsJsonObject().getJsonArray("snapshots");
        assertEquals(1, byHost.size());
        assertEquals(snap, byHost.getJsonObject(0).getString("id"));
        assertEquals(src.toString(), byHost.getJsonObject(0).getString("path"));
        JsonArray byPath = get("/api/v1/snapshots?path=" + live).bodyAsJsonObject().getJsonArray("snapshots");
        assertEquals(List.of(liveSnap), byPath.stream().map(o -> ((JsonObject) o).getString("id")).toList());
        assertEquals(3, get("/api/v1/snapshots?path=" + tmp).bodyAsJsonObject().getJsonArray("snapshots").size(),
                "a parent path selects the snapshots under it");
        assertEquals(0, get("/api/v1/snapshots?from=2999-01-01").bodyAsJsonObject().getJsonArray("snapshots").size());
        assertEquals(3, get("/api/v1/snapshots?from=2020-01-01T00:00:00Z&to=2999-01-01").bodyAsJsonObject()
                .getJsonArray("snapshots").size());
        assertError(get("/api/v1/snapshots?from=yesterday"), 400, "invalid_argument");
    }

    @Test
    void getsOneSnapshotByIdPrefixOrLatest() {
        JsonObject s = get("/api/v1/snapshots/" + snap.substring(0, 12)).bodyAsJsonObject();
        assertEquals(snap, s.getString("id"));
        assertEquals("dir", s.getJsonObject("root").getString("type"));
        assertEquals(bigSnap, get("/api/v1/snapshots/latest").bodyAsJsonObject().getString("id"));
        assertError(get("/api/v1/snapshots/0000000000"), 404, "snapshot_not_found");
    }

    @Test
    void browsesDirectoriesPagedWithRawNames() {
        JsonObject root = get("/api/v1/snapshots/" + snap + "/tree").bodyAsJsonObject();
        assertEquals(root, get("/api/v1/snapshots/" + snap + "/tree/").bodyAsJsonObject());
        List<String> names = root.getJsonArray("entries").stream().map(o -> ((JsonObject) o).getString("name")).toList();
        assertTrue(names.containsAll(List.of("data", "docs", "empty", "empty-file", "link", "many", "new\\nline",
                "\\xffname\\n\\x80")), names.toString());
        JsonObject link = find(root, "link");
        assertEquals("symlink", link.getString("type"));
        assertEquals("docs/readme.txt", link.getString("link_target"));
        JsonObject odd = find(root, "\\xffname\\n\\x80");
        assertArrayEquals(BAD_UTF8, Base64.getDecoder().decode(odd.getString("name_b64")));
        assertEquals("%FFname%0A%80", odd.getString("url_path"));
        HttpResponse<Buffer> f = get("/api/v1/snapshots/" + snap + "/files/" + odd.getString("url_path"));
        assertEquals(200, f.statusCode());
        assertEquals("bad utf-8\n", f.bodyAsString());
        assertEquals("newline\n", get("/api/v1/snapshots/" + snap + "/files/new%0Aline").bodyAsString());

        List<String> paged = new ArrayList<>();
        Integer offset = 0;
        int pages = 0;
        while (offset != null) {
            JsonObject page = get("/api/v1/snapshots/" + snap + "/tree/many?limit=10&offset=" + offset).bodyAsJsonObject();
            assertEquals(25, page.getInteger("total"));
            page.getJsonArray("entries").forEach(o -> paged.add(((JsonObject) o).getString("name")));
            offset = page.getInteger("next_offset");
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(25, paged.size());
        assertEquals(paged.stream().sorted().toList(), paged);
        assertEquals(25, new HashSet<>(paged).size());
        JsonObject logs = get("/api/v1/snapshots/" + snap + "/tree/data%2Flogs").bodyAsJsonObject();
        assertEquals(List.of("a.log", "b.log"), logs.getJsonArray("entries").stream()
                .map(o -> ((JsonObject) o).getString("name")).toList());
        assertEquals("data/logs/a.log", logs.getJsonArray("entries").getJsonObject(0).getString("url_path"));
        assertError(get("/api/v1/snapshots/" + snap + "/tree/docs/readme.txt"), 400, "invalid_argument");
        assertError(get("/api/v1/snapshots/" + snap + "/tree/nothing/here"), 404, "path_not_found");
        assertError(get("/api/v1/snapshots/" + snap + "/tree/many?limit=0"), 400, "invalid_argument");
        assertError(get("/api/v1/snapshots/" + snap + "/tree/%ZZ"), 400, "invalid_argument");
    }

    static JsonObject find(JsonObject page, String name) {
        for (Object o : page.getJsonArray("entries")) {
            if (((JsonObject) o).getString("name").equals(name)) {
                return (JsonObject) o;
            }
        }
        throw new AssertionError("no entry " + name + " in " + page);
    }

    @Test
    void downloadsWholeFilesAndRanges() {
        String url = "/api/v1/snapshots/" + snap + "/files/data/big.bin";
        HttpResponse<Buffer> whole = get(url);
        assertEquals(200, whole.statusCode());
        assertArrayEquals(big, whole.body().getBytes());
        assertEquals("bytes", whole.getHeader("Accept-Ranges"));
        assertEquals(Integer.toString(big.length), whole.getHeader("Content-Length"));
        assertNotNull(whole.getHeader("ETag"));

        long before = tv.storage.packReads.get();
        HttpResponse<Buffer> part = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=70000-70099").send().await();
        assertEquals(206, part.statusCode());
        assertEquals("bytes 70000-70099/" + big.length, part.getHeader("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(big, 70000, 70100), part.body().getBytes());
        assertEquals(1, tv.storage.packReads.get() - before, "a range inside one chunk reads that chunk only");

        HttpResponse<Buffer> across = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=65000-140000").send().await();
        assertEquals(206, across.statusCode());
        assertArrayEquals(Arrays.copyOfRange(big, 65000, 140001), across.body().getBytes());
        HttpResponse<Buffer> suffix = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=-100").send().await();
        assertEquals(206, suffix.statusCode());
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 100, big.length), suffix.body().getBytes());
        HttpResponse<Buffer> open = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=299990-").send().await();
        assertArrayEquals(Arrays.copyOfRange(big, 299990, big.length), open.body().getBytes());
        HttpResponse<Buffer> outside = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=300000-").send().await();
        assertError(outside, 416, "range_not_satisfiable");
        assertEquals("bytes */" + big.length, outside.getHeader("Content-Range"));
        HttpResponse<Buffer> several = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=0-1,5-6").send().await();
        assertEquals(200, several.statusCode(), "several ranges: the whole file");

        HttpResponse<Buffer> empty = get("/api/v1/snapshots/" + snap + "/files/empty-file");
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body() == null ? 0 : empty.body().length());
        assertError(get("/api/v1/snapshots/" + snap + "/files/docs"), 400, "invalid_argument");
        assertError(get("/api/v1/snapshots/" + snap + "/files/docs/nope"), 404, "path_not_found");
        assertError(get("/api/v1/snapshots/" + snap + "/files/docs/..%2F..%2Fetc"), 400, "invalid_argument");
    }

    // -- restores --------------------------------------------------------------------------------

    @Test
    void filteredRestoreToANewDirectoryWritesExactlyTheSelection() throws Exception {
        Path out = tmp.resolve("restore-docs");
        JsonObject job = restore(new JsonObject().put("snapshot", snap).put("target", out.toString())
                .put("include", new JsonArray().add("docs").add("*.log")).put("exclude", new JsonArray().add("b.log"))
                .put("mtime_from", "2024-01-01"));
        assertEquals("done", job.getString("state"), job.encodePrettily());
        assertEquals(0, job.getLong("errors_total"), job.encodePrettily());
        assertTrue(job.getBoolean("totals_final"));
        assertEquals(job.getLong("files_total"), job.getLong("files_done"));
        assertEquals(job.getLong("bytes_total"), job.getLong("bytes_done"));
        Map<String, String> expected = new TreeMap<>();
        expected.put("data", "dir");
        expected.put("data/logs", "dir");
        expected.put("data/logs/a.log", "a\n");
        expected.put("docs", "dir");
        expected.put("docs/readme.txt", "read me\n");
        expected.put("docs/report-2024.pdf", Files.readString(src.resolve("docs/report-2024.pdf"), StandardCharsets.ISO_8859_1));
        assertEquals(expected, tree(out));
        assertEquals(NEW, Posix.lstat(out.resolve("docs/readme.txt")).mtimeNs());
        assertEquals(NEW, Posix.lstat(out.resolve("docs")).mtimeNs());
        assertEquals(3, job.getLong("files_done"));

        Path sub = tmp.resolve("restore-sub");
        JsonObject byPath = restore(new JsonObject().put("snapshot", snap.substring(0, 10)).put("target", sub.toString())
                .put("path", "data/logs"));
        assertEquals("done", byPath.getString("state"));
        assertEquals(Set.of("data", "data/logs", "data/logs/a.log", "data/logs/b.log"), tree(sub).keySet());

        Path whole = tmp.resolve("restore-all");
        JsonObject all = restore(new JsonObject().put("snapshot", snap).put("target", whole.toString()));
        assertEquals(0, all.getLong("errors_total"), all.encodePrettily());
        assertEquals(tree(src), tree(whole));
    }

    @Test
    void restoresIntoTheSourceWithEachOverwritePolicy() throws Exception {
        String[] expectA = {"A changed, older", "A from the snapshot", "A from the snapshot"};
        String[] expectB = {"B changed, newer", "B changed, newer", "B from the snapshot"};
        String[] policies = {"never", "if-newer", "always"};
        for (int i = 0; i < 3; i++) {
            Files.writeString(live.resolve("a.txt"), "A changed, older");
            Posix.setTimes(live.resolve("a.txt"), OLD, OLD);
            Files.writeString(live.resolve("b.txt"), "B changed, newer");
            Files.deleteIfExists(live.resolve("c.txt"));
            JsonObject job = restore(new JsonObject().put("snapshot", liveSnap).put("in_place", true)
                    .put("overwrite", policies[i]));
            assertEquals("done", job.getString("state"), job.encodePrettily());
            assertEquals(live.toString(), job.getString("target"));
            assertEquals(0, job.getLong("errors_total"), job.encodePrettily());
            assertEquals(expectA[i], Files.readString(live.resolve("a.txt")), policies[i]);
            assertEquals(expectB[i], Files.readString(live.resolve("b.txt")), policies[i]);
            assertEquals("C from the snapshot", Files.readString(live.resolve("c.txt")), policies[i]);
            try (Stream<Path> s = Files.list(live)) {
                assertEquals(3, s.count(), "no temporary files are left");
            }
        }
    }

    @Test
    void cancelsARunningRestore() throws Exception {
        Path out = tmp.resolve("restore-cancelled");
        HttpResponse<Buffer> r = post(new JsonObject().put("snapshot", bigSnap).put("target", out.toString())
                .put("workers", 1).encode(), RESTORE);
        assertEquals(202, r.statusCode(), r.bodyAsString());
        String id = r.bodyAsJsonObject().getString("id");
        HttpResponse<Buffer> d = req(HttpMethod.DELETE, "/api/v1/restores/" + id, RESTORE).send().await();
        assertEquals(200, d.statusCode(), d.bodyAsString());
        JsonObject job = awaitJob(id);
        assertEquals("cancelled", job.getString("state"), job.encodePrettily());
        assertTrue(job.getLong("bytes_done") < 96L << 20);
        assertFalse(Files.exists(out.resolve("huge.bin")), "the partly written file is removed");
        assertTrue(req(HttpMethod.GET, "/api/v1/restores", RESTORE).send().await().bodyAsJsonObject()
                .getJsonArray("restores").stream().anyMatch(o -> ((JsonObject) o).getString("id").equals(id)));
    }

    // -- access and errors -----------------------------------------------------------------------

    @Test
    void refusesMissingAndWrongTokensAndRoles() {
        HttpResponse<Buffer> none = req(HttpMethod.GET, "/api/v1/snapshots", null).send().await();
        assertError(none, 401, "unauthenticated");
        assertTrue(none.getHeader("WWW-Authenticate").startsWith("Bearer"));
        assertError(req(HttpMethod.GET, "/api/v1/snapshots", "wrong-token-0123456789").send().await(), 401, "unauthenticated");
        assertError(req(HttpMethod.GET, "/api/v1/openapi.json", null).send().await(), 401, "unauthenticated");
        assertError(req(HttpMethod.GET, "/api/v1/nothing", null).send().await(), 401, "unauthenticated");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"/tmp/x\"}", READ), 403, "forbidden");
        assertError(req(HttpMethod.GET, "/api/v1/restores", READ).send().await(), 403, "forbidden");
        assertError(req(HttpMethod.DELETE, "/api/v1/restores/abc", READ).send().await(), 403, "forbidden");
        assertEquals(200, req(HttpMethod.GET, "/api/v1/snapshots", RESTORE).send().await().statusCode(),
                "restore includes read");
    }

    @Test
    void answersErrorsAsJson() {
        assertError(get("/api/v1/nothing"), 404, "not_found");
        assertError(req(HttpMethod.GET, "/api/v1/restores/0123", RESTORE).send().await(), 404, "not_found");
        assertError(req(HttpMethod.PUT, "/api/v1/snapshots", READ).send().await(), 405, "method_not_allowed");
        assertError(post("{not json", RESTORE), 400, "invalid_argument");
        assertError(post("[1,2]", RESTORE), 400, "invalid_argument");
        assertError(post("", RESTORE), 400, "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\"}", RESTORE), 400, "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"relative/dir\"}", RESTORE), 400, "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"/tmp/x\",\"exlude\":[]}", RESTORE), 400, "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"/tmp/x\",\"overwrite\":\"sometimes\"}", RESTORE), 400,
                "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"/tmp/x\",\"include\":[\"[a-\"]}", RESTORE), 400,
                "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"/tmp/x\",\"include\":\"*.txt\"}", RESTORE), 400,
                "invalid_argument");
        assertError(post("{\"snapshot\":\"latest\",\"target\":\"/tmp/x\",\"in_place\":true}", RESTORE), 400,
                "invalid_argument");
        assertError(post("{\"snapshot\":\"fffffff\",\"target\":\"/tmp/x\"}", RESTORE), 404, "snapshot_not_found");
    }

    // -- metrics ---------------------------------------------------------------------------------

    /** The samples of a Prometheus text exposition, by name and labels as printed. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return out;
    }

    Map<String, Double> scrape() {
        HttpResponse<Buffer> r = get("/metrics");
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals(METRICS_TYPE, r.getHeader("Content-Type"));
        return samples(r.bodyAsString());
    }

    static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertTrue(after.containsKey(sample), sample + " is served: " + after.keySet());
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }

    @Test
    void servesItsMetricsToATokenOfRoleRead() throws Exception {
        assertError(req(HttpMethod.GET, "/metrics", null).send().await(), 401, "unauthenticated");
        Map<String, Double> before = scrape();
        assertEquals(200, get("/api/v1/snapshots").statusCode());
        assertError(req(HttpMethod.GET, "/api/v1/snapshots", null).send().await(), 401, "unauthenticated");
        assertError(get("/api/v1/snapshots/fffffff/tree"), 404, "snapshot_not_found");
        Map<String, Double> after = scrape();
        assertEquals(1, delta(before, after,
                "streamvault_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/snapshots\",status=\"200\"}"));
        assertEquals(1, delta(before, after,
                "streamvault_http_requests_seconds_count{method=\"GET\",route=\"none\",status=\"401\"}"),
                "a request refused before a route took it");
        assertEquals(1, delta(before, after,
                "streamvault_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/snapshots/{id}/tree\",status=\"404\"}"));
        assertEquals(1, delta(before, after, "streamvault_errors_total{code=\"unauthenticated\"}"));
        assertEquals(1, delta(before, after, "streamvault_errors_total{code=\"snapshot_not_found\"}"));
        assertTrue(after.containsKey("streamvault_restores_running"), after.keySet().toString());
        assertTrue(after.containsKey("streamvault_gc_runs_total{dry_run=\"true\",result=\"done\"}"));
        // the vault is listed when the server starts (then every metrics.capacity.refresh.ms), not at a scrape
        String packs = "streamvault_vault_stored_bytes{kind=\"pack\"}";
        for (int i = 0; i < 100 && !after.containsKey(packs); i++) {
            Thread.sleep(100);
            after = scrape();
        }
        assertEquals((double) tv.vault.list(ObjectKind.PACK).bytes(), after.get(packs).doubleValue(),
                "the packs' bytes as the storage has them");
        assertEquals((double) tv.vault.listSnapshots().size(), after.get("streamvault_vault_objects{kind=\"snapshot\"}")
                .doubleValue());
    }

    // -- the OpenAPI document --------------------------------------------------------------------

    @Test
    void theOpenApiDocumentMatchesTheRoutes() throws Exception {
        HttpResponse<Buffer> r = get("/api/v1/openapi.json");
        assertEquals(200, r.statusCode());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        JsonObject doc = r.bodyAsJsonObject();
        assertTrue(doc.getString("openapi").startsWith("3."));
        JsonObject paths = doc.getJsonObject("paths");
        Set<String> documented = new HashSet<>();
        for (String p : paths.fieldNames()) {
            for (String m : paths.getJsonObject(p).fieldNames()) {
                if (!m.equals("parameters")) {
                    documented.add(m.toUpperCase() + " " + p);
                }
            }
        }
        Set<String> served = new HashSet<>();
        Set<String> admin = new HashSet<>();
        server.routes().forEach(x -> served.add(x[0] + " " + x[1]));
        server.routes().stream().filter(x -> x[2].equals("admin")).forEach(x -> admin.add(x[0] + " " + x[1]));
        assertEquals(served, documented, "every route is documented and every documented route is served");

        // every documented operation answers, with a documented status and a body that fits its schema
        // (those that change the vault need an admin token: MaintenanceApiIT calls them, on a vault of its own)
        Path target = tmp.resolve("restore-openapi");
        String job = post(new JsonObject().put("snapshot", liveSnap).put("target", target.toString()).encode(), RESTORE)
                .bodyAsJsonObject().getString("id");
        awaitJob(job);
        for (String op : documented) {
            if (admin.contains(op)) {
                continue;
            }
            String method = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1);
            String uri = path.startsWith("/api/v1/restores/") ? path.replace("{id}", job)
                    : path.replace("{id}", snap).replace("{path}", path.contains("/files/") ? "docs/readme.txt" : "docs");
            HttpRequest<Buffer> q = req(HttpMethod.valueOf(method), uri, RESTORE);
            HttpResponse<Buffer> resp = method.equals("POST")
                    ? q.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(new JsonObject()
                            .put("snapshot", liveSnap).put("target", target.toString()).encode())).await()
                    : q.send().await();
            assertDocumented(doc, op, resp);
            assertTrue(resp.statusCode() < 300, op + " answered " + resp.statusCode() + ": " + resp.bodyAsString());
        }
        for (String op : documented) {
            String path = op.substring(op.indexOf(' ') + 1);
            JsonObject operation = paths.getJsonObject(path).getJsonObject(op.substring(0, op.indexOf(' ')).toLowerCase());
            assertTrue(operation.getJsonObject("responses").containsKey("401"), op + " documents 401");
            assertNotNull(operation.getString("operationId"), op);
        }
        // errors fit the Error schema
        validate(doc, new JsonObject().put("$ref", "#/components/schemas/Error"),
                Json.decodeValue(get("/api/v1/nothing").bodyAsString()), "error");
    }

    @Test
    void servesHttpsWithACertificate() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        try (ApiServer tls = ApiServer.start(tv.vault, new ApiServer.Options("127.0.0.1", 0, tmp.resolve("tokens"), cert,
                key, List.of(), 1, 2))) {
            assertTrue(tls.tls());
            WebClient c = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
            try {
                HttpResponse<Buffer> r = c.get(tls.port(), "127.0.0.1", "/api/v1/snapshots")
                        .putHeader("Authorization", "Bearer " + READ).send().await();
                assertEquals(200, r.statusCode());
                assertEquals(3, r.bodyAsJsonObject().getJsonArray("snapshots").size());
            } finally {
                c.close();
            }
        }
    }

    @Test
    void restoreRootsConfineTargets() throws Exception {
        Path allowed = Files.createDirectories(tmp.resolve("allowed"));
        try (ApiServer confined = ApiServer.start(tv.vault, new ApiServer.Options("127.0.0.1", 0, tmp.resolve("tokens"),
                null, null, List.of(allowed), 1, 2))) {
            WebClient c = WebClient.create(vertx);
            try {
                HttpResponse<Buffer> r = c.post(confined.port(), "127.0.0.1", "/api/v1/restores")
                        .putHeader("Authorization", "Bearer " + RESTORE)
                        .sendJsonObject(new JsonObject().put("snapshot", liveSnap).put("target", tmp.resolve("elsewhere").toString()))
                        .await();
                assertError(r, 403, "forbidden");
                HttpResponse<Buffer> in = c.post(confined.port(), "127.0.0.1", "/api/v1/restores")
                        .putHeader("Authorization", "Bearer " + RESTORE)
                        .sendJsonObject(new JsonObject().put("snapshot", liveSnap).put("target", allowed.resolve("x").toString()))
                        .await();
                assertEquals(202, in.statusCode(), in.bodyAsString());
            } finally {
                c.close();
            }
        }
    }
}
