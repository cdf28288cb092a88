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
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import java.util.Locale;
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
        return awaitJob(client, id);
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

    @Test
    void aRangeIsHonouredOnlyIfRangeNamesThisVersionOfTheFile() {
        String url = "/api/v1/snapshots/" + snap + "/files/data/big.bin";
        HttpResponse<Buffer> whole = get(url);
        String etag = whole.getHeader("ETag");
        String modified = whole.getHeader("Last-Modified");
        for (String same : new String[] {etag, modified}) {
            HttpResponse<Buffer> r = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=100-199")
                    .putHeader("If-Range", same).send().await();
            assertEquals(206, r.statusCode(), same);
            assertArrayEquals(Arrays.copyOfRange(big, 100, 200), r.body().getBytes(), same);
        }
        for (String other : new String[] {"\"0123456789abcdef\"", "W/" + etag, "Sat, 01 Jan 2000 00:00:00 GMT",
            "yesterday"}) {
            HttpResponse<Buffer> r = req(HttpMethod.GET, url, READ).putHeader("Range", "bytes=100-199")
                    .putHeader("If-Range", other).send().await();
            assertEquals(200, r.statusCode(), other);
            assertArrayEquals(big, r.body().getBytes(), other + ": the whole file");
        }
    }

    @Test
    void answersAreNeitherSniffedNorStored() {
        String file = "/api/v1/snapshots/" + snap + "/files/docs/readme.txt";
        List<HttpResponse<Buffer>> answers = List.of(get(file),
                req(HttpMethod.GET, file, READ).putHeader("Range", "bytes=0-1").send().await(),
                get("/api/v1/snapshots"), get("/api/v1/snapshots/" + snap + "/tree/docs"), get("/api/v1/nothing"),
                req(HttpMethod.GET, "/api/v1/snapshots", null).send().await(),
                req(HttpMethod.GET, "/api/v1/restores", READ).send().await());
        for (HttpResponse<Buffer> r : answers) {
            assertEquals("nosniff", r.getHeader("X-Content-Type-Options"), r.statusCode() + " " + r.bodyAsString());
            assertEquals("no-store", r.getHeader("Cache-Control"), r.statusCode() + " " + r.bodyAsString());
        }
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
    void aRestoreOfAPathTheSnapshotDoesNotHoldIsRefused() {
        for (String path : new String[] {"/etc", "docs/nope", "docs/readme.txt/x"}) {
            HttpResponse<Buffer> r = post(new JsonObject().put("snapshot", snap).put("target", tmp.resolve("restore-no-path")
                    .toString()).put("path", path).encode(), RESTORE);
            assertError(r, 404, "path_not_found");
            assertTrue(r.bodyAsJsonObject().getString("message").contains("relative to the backed-up directory"),
                    r.bodyAsString());
        }
        assertError(post(new JsonObject().put("snapshot", snap).put("target", tmp.resolve("restore-no-path").toString())
                .put("path", "../docs").encode(), RESTORE), 400, "invalid_argument");
        assertFalse(Files.exists(tmp.resolve("restore-no-path")));
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

    @Test
    void damagedIndexAndSnapshotObjectsAreSkippedAndNamed() throws Exception {
        Path vaultDir = tmp.resolve("damaged-vault");
        try (TestVault damaged = TestVault.create(vaultDir, 64 << 10)) {
            String sound = damaged.backup(live, "host-d");
            byte[] garbage = "planted garbage, not a vault object".getBytes(StandardCharsets.UTF_8);
            String name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(garbage));
            damaged.storage.putIfAbsent("index/" + name, garbage);
            damaged.storage.putIfAbsent("snapshots/" + name, garbage);
            try (ApiServer s = ApiServer.start(damaged.vault, ApiServer.Options.of("127.0.0.1", 0, tmp.resolve("tokens")))) {
                WebClient c = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                        .setDefaultPort(s.port()));
                try {
                    JsonObject list = c.get("/api/v1/snapshots").putHeader("Authorization", "Bearer " + READ).send()
                            .await().bodyAsJsonObject();
                    assertEquals(1, list.getJsonArray("snapshots").size(), list.encodePrettily());
                    assertTrue(list.getJsonArray("unreadable").getString(0).contains("snapshots/" + name), list.encode());
                    HttpResponse<Buffer> latest = c.get("/api/v1/snapshots/latest").putHeader("Authorization",
                            "Bearer " + READ).send().await();
                    assertEquals(200, latest.statusCode(), latest.bodyAsString());
                    assertEquals(sound, latest.bodyAsJsonObject().getString("id"));
                    assertEquals("A from the snapshot", c.get("/api/v1/snapshots/latest/files/a.txt").putHeader(
                            "Authorization", "Bearer " + READ).send().await().bodyAsString());
                    Path out = tmp.resolve("restore-from-damaged");
                    JsonObject job = awaitJob(c, post(c, new JsonObject().put("snapshot", "latest").put("target",
                            out.toString())).bodyAsJsonObject().getString("id"));
                    assertEquals("done", job.getString("state"), job.encodePrettily());
                    assertEquals(0, job.getLong("errors_total"), job.encodePrettily());
                    assertEquals(tree(live), tree(out));
                } finally {
                    c.close();
                }
            }
        }
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

    // -- hostile clients -------------------------------------------------------------------------

    /** Sends {@code head} a byte at a time every {@code everyMs}: the ms until the server closed the connection, or -1 if it did not within {@code maxMs}. */
    static long closedAfterMs(Socket s, byte[] head, long everyMs, long maxMs) throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout((int) everyMs);
        InputStream in = s.getInputStream();
        for (int i = 0; (System.nanoTime() - start) / 1_000_000 < maxMs; i++) {
            try {
                if (i < head.length) {
                    s.getOutputStream().write(head[i]);
                    s.getOutputStream().flush();
                }
                if (in.read() < 0) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                return (System.nanoTime() - start) / 1_000_000; // reset by the server
            }
        }
        return -1;
    }

    @Test
    void connectionsThatDoNotSendAWholeRequestHeadInTimeAreClosed() throws Exception {
        byte[] partial = "GET /api/v1/snapsh".getBytes(StandardCharsets.US_ASCII);
        byte[] trickled = ("GET /api/v1/snapshots HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200))
                .getBytes(StandardCharsets.US_ASCII);
        Duration shortLimit = Duration.ofSeconds(1);
        Duration longLimit = Duration.ofSeconds(60);
        // the idle timeout: a partial request line, then nothing
        try (ApiServer idle = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tmp.resolve("tokens"))
                .withLimits(new ApiServer.Limits(shortLimit, longLimit, 1)));
                Socket s = new Socket("127.0.0.1", idle.port())) {
            s.getOutputStream().write(partial);
            long ms = closedAfterMs(s, new byte[0], 100, 8000);
            assertTrue(ms >= 0 && ms < 4000, "a half-open request is closed by the idle timeout: " + ms + " ms");
        }
        // the header deadline: the head trickled a byte every 200 ms, and the idle timeout far away
        try (ApiServer heads = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tmp.resolve("tokens"))
                .withLimits(new ApiServer.Limits(longLimit, shortLimit, 1)))) {
            try (Socket s = new Socket("127.0.0.1", heads.port())) {
                long ms = closedAfterMs(s, trickled, 200, 8000);
                assertTrue(ms >= 0 && ms < 4000, "a trickled request head is closed by the header deadline: " + ms + " ms");
            }
            // a request sent whole is answered, and its connection kept for the next while it is in time
            try (Socket s = new Socket("127.0.0.1", heads.port())) {
                byte[] get = ("GET /api/v1/snapshots HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + READ + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(get);
                assertTrue(head(s).startsWith("HTTP/1.1 200"));
                Thread.sleep(300);
                s.getOutputStream().write(get);
                assertTrue(head(s).startsWith("HTTP/1.1 200"));
                long ms = closedAfterMs(s, new byte[0], 100, 8000);
                assertTrue(ms >= 0 && ms < 4000, "an idle keep-alive connection ends too: " + ms + " ms");
            }
        }
    }

    /** Reads one response (its head and a Content-Length body) from a raw connection; returns the head. */
    static String head(Socket s) throws IOException {
        return response(s)[0];
    }

    /** Reads one response from a raw connection: its head and its body (of a Content-Length). */
    static String[] response(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        StringBuilder h = new StringBuilder();
        while (!h.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + h);
            }
            h.append((char) b);
        }
        byte[] body = new byte[0];
        for (String line : h.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                body = in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
        return new String[] {h.toString(), new String(body, StandardCharsets.UTF_8)};
    }

    /** Sends a raw request head and returns the head of the answer. */
    String rawHead(String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            return head(s);
        }
    }

    @Test
    void bodiesOverTheLimitAre413AndReadOnlyAfterTheTokenAndItsRole() throws Exception {
        String big = "{\"snapshot\":\"" + "f".repeat(2 << 20) + "\"}";
        assertError(post(big, RESTORE), 413, "payload_too_large");
        assertError(post(big, READ), 403, "forbidden");
        assertError(post(big, null), 401, "unauthenticated");
        // 50 MB declared and not sent: answered at once, the body never waited for
        String declared = "POST /api/v1/restores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 52428800\r\n";
        String tooLarge = rawHead(declared + "Authorization: Bearer " + RESTORE + "\r\n\r\n");
        assertTrue(tooLarge.startsWith("HTTP/1.1 413"), tooLarge);
        assertTrue(tooLarge.toLowerCase(Locale.ROOT).contains("connection: close"), tooLarge);
        assertTrue(rawHead(declared + "Authorization: Bearer " + READ + "\r\n\r\n").startsWith("HTTP/1.1 403"));
        assertTrue(rawHead(declared + "\r\n").startsWith("HTTP/1.1 401"));
        // a body without a declared length is cut off at the limit
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /api/v1/restores HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + RESTORE
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 << 10];
            Arrays.fill(chunk, (byte) ' ');
            String answer = null;
            s.setSoTimeout(10_000);
            try {
                for (int i = 0; i < 32 && s.getInputStream().available() == 0; i++) {
                    s.getOutputStream().write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().write(chunk);
                    s.getOutputStream().write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                // the server closed the connection after answering
            }
            answer = head(s);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
    }

    @Test
    void aRequestWithoutHostIsABadRequest() throws Exception {
        for (String version : new String[] {"HTTP/1.1", "HTTP/1.0"}) {
            for (String auth : new String[] {"", "Authorization: Bearer " + READ + "\r\n"}) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.getOutputStream().write(("GET /api/v1/snapshots " + version + "\r\n" + auth + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    String[] r = response(s);
                    assertTrue(r[0].matches("HTTP/1\\.[01] 400 [^\\r]*\r\n(?s).*"), version + " " + auth + ": " + r[0] + r[1]);
                    assertEquals("invalid_argument", new JsonObject(r[1]).getString("code"), r[1]);
                    assertTrue(new JsonObject(r[1]).getString("message").contains("Host"), r[1]);
                }
            }
        }
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
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        try (ApiServer confined = ApiServer.start(tv.vault, new ApiServer.Options("127.0.0.1", 0, tmp.resolve("tokens"),
                null, null, List.of(allowed), 1, 2).withLimits(new ApiServer.Limits(ApiServer.Limits.IDLE_TIMEOUT,
                        ApiServer.Limits.HEADER_TIMEOUT, 2)))) {
            WebClient c = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(confined.port()));
            try {
                HttpResponse<Buffer> r = post(c, new JsonObject().put("snapshot", liveSnap)
                        .put("target", tmp.resolve("elsewhere").toString()));
                assertError(r, 403, "forbidden");
                HttpResponse<Buffer> in = post(c, new JsonObject().put("snapshot", liveSnap)
                        .put("target", allowed.resolve("x").toString()));
                assertEquals(202, in.statusCode(), in.bodyAsString());
                assertEquals("done", awaitJob(c, in.bodyAsJsonObject().getString("id")).getString("state"));

                // one job runs (one at a time here), the next waits with its target checked; then the
                // target's parent becomes a symlink to a directory outside every root
                String busy = post(c, new JsonObject().put("snapshot", bigSnap).put("target", allowed.resolve("busy")
                        .toString()).put("workers", 1)).bodyAsJsonObject().getString("id");
                Path parent = Files.createDirectories(allowed.resolve("parent"));
                HttpResponse<Buffer> queued = post(c, new JsonObject().put("snapshot", liveSnap)
                        .put("target", parent.resolve("target").toString()));
                assertEquals(202, queued.statusCode(), queued.bodyAsString());
                String id = queued.bodyAsJsonObject().getString("id");
                Files.move(parent, allowed.resolve("parent-before"));
                Files.createSymbolicLink(parent, outside);
                assertEquals("queued", job(c, id).getString("state"), "the job waits while the symlink is swapped in");

                // two may wait: a third is refused until one leaves the queue
                String second = post(c, new JsonObject().put("snapshot", liveSnap).put("target", allowed.resolve("second")
                        .toString())).bodyAsJsonObject().getString("id");
                HttpResponse<Buffer> full = post(c, new JsonObject().put("snapshot", liveSnap)
                        .put("target", allowed.resolve("third").toString()));
                assertError(full, 429, "queue_full");
                assertEquals("30", full.getHeader("Retry-After"));
                assertEquals("cancelled", c.delete("/api/v1/restores/" + second).putHeader("Authorization", "Bearer "
                        + RESTORE).send().await().bodyAsJsonObject().getString("state"), "a cancelled job leaves the queue");
                assertEquals(202, post(c, new JsonObject().put("snapshot", liveSnap).put("target", allowed.resolve("third")
                        .toString())).statusCode());
                assertEquals(200, c.delete("/api/v1/restores/" + busy).putHeader("Authorization", "Bearer " + RESTORE)
                        .send().await().statusCode());
                JsonObject job = awaitJob(c, id);
                assertEquals("failed", job.getString("state"), job.encodePrettily());
                assertEquals("unsafe_path", job.getJsonObject("failure").getString("code"), job.encodePrettily());
                assertTrue(job.getJsonObject("failure").getString("message").contains("symlink"), job.encodePrettily());
                try (Stream<Path> s = Files.list(outside)) {
                    assertEquals(List.of(), s.toList(), "nothing is written outside the root");
                }
            } finally {
                c.close();
            }
        }
    }

    static HttpResponse<Buffer> post(WebClient c, JsonObject body) {
        return c.post("/api/v1/restores").putHeader("Authorization", "Bearer " + RESTORE).sendJsonObject(body).await();
    }

    static JsonObject job(WebClient c, String id) {
        return c.get("/api/v1/restores/" + id).putHeader("Authorization", "Bearer " + RESTORE).send().await()
                .bodyAsJsonObject();
    }

    static JsonObject awaitJob(WebClient c, String id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            JsonObject j = job(c, id);
            String s = j.getString("state");
            if (!s.equals("queued") && !s.equals("running")) {
                return j;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("restore job " + id + " did not finish");
    }
}
