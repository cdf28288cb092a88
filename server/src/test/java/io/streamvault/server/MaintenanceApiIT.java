package io.streamvault.server;

import static io.streamvault.server.OpenApiCheck.assertDocumented;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.Checker;
import io.streamvault.maintenance.CopyLag;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.maintenance.Reports;
import io.streamvault.maintenance.Stats;
import io.streamvault.restore.Restorer;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.ClockedStorage;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.Locks;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forget, garbage collection, statistics and the lag of copies over HTTP, on a real vault (no Kafka): three snapshots
 * of one directory as it changes (host-a) and one of another (host-b), a fresh vault for each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceApiIT {
    static final String READ = "read-token-0123456789abcdef";
    static final String RESTORE = "restore-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String GOVERNANCE = "governance-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Vertx vertx;
    WebClient client;
    TestVault tv;
    Path tokens;
    ApiServer server;
    final List<ApiServer> extraServers = new ArrayList<>();
    Path srcA;
    Path srcB;
    String s1;
    String s2;
    String s3;
    String b1;
    /** What each snapshot holds: relative path to content. */
    final Map<String, Map<String, String>> contents = new HashMap<>();

    @BeforeAll
    void startClient() {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
    }

    @AfterAll
    void stopClient() {
        client.close();
        vertx.close().await();
    }

    @BeforeEach
    void start() throws Exception {
        Random rnd = new Random(11);
        srcA = Files.createDirectories(tmp.resolve("a"));
        Files.write(srcA.resolve("big.bin"), bytes(rnd, 400_000));
        Files.writeString(srcA.resolve("notes.txt"), "first");
        Files.createDirectories(srcA.resolve("sub"));
        Files.write(srcA.resolve("sub/shared.bin"), bytes(rnd, 150_000));
        tv = TestVault.create(tmp.resolve("vault"), 64 << 10);
        s1 = backup(srcA, "host-a");
        Files.write(srcA.resolve("big.bin"), bytes(rnd, 300_000));
        Files.writeString(srcA.resolve("notes.txt"), "second");
        s2 = backup(srcA, "host-a");
        Files.write(srcA.resolve("new.bin"), bytes(rnd, 200_000));
        Files.writeString(srcA.resolve("notes.txt"), "third");
        s3 = backup(srcA, "host-a");
        srcB = Files.createDirectories(tmp.resolve("b"));
        Files.write(srcB.resolve("only.bin"), bytes(rnd, 100_000));
        b1 = backup(srcB, "host-b");
        tokens = Files.writeString(tmp.resolve("tokens"), "read " + READ + " reader\nrestore " + RESTORE + " restorer\n"
                + "admin " + ADMIN + " boss\ngovernance " + GOVERNANCE + " compliance-officer\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        server = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens));
    }

    @AfterEach
    void stop() {
        extraServers.forEach(ApiServer::close);
        extraServers.clear();
        if (server != null) {
            server.close();
        }
        if (tv != null) {
            tv.close();
        }
    }

    String backup(Path src, String host) throws IOException, InterruptedException {
        Thread.sleep(3); // sealed times in order
        String id = tv.backup(src, host);
        contents.put(id, files(src));
        return id;
    }

    ApiServer serverWith(Supplier<GcCoordinator> coordinators) {
        ApiServer s = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens).withGcCoordinators(coordinators));
        extraServers.add(s);
        return s;
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    HttpResponse<Buffer> call(ApiServer s, HttpMethod m, String uri, String token, JsonObject body) {
        HttpRequest<Buffer> r = client.request(m, s.port(), "127.0.0.1", uri).putHeader("Authorization", "Bearer " + token);
        return body == null ? r.send().await() : r.putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body.encode())).await();
    }

    HttpResponse<Buffer> call(HttpMethod m, String uri, String token, JsonObject body) {
        return call(server, m, uri, token, body);
    }

    HttpResponse<Buffer> forget(JsonObject body) {
        return call(HttpMethod.POST, "/api/v1/forget", ADMIN, body);
    }

    HttpResponse<Buffer> delete(String idAndQuery) {
        return call(HttpMethod.DELETE, "/api/v1/snapshots/" + idAndQuery, ADMIN, null);
    }

    static JsonObject ok(HttpResponse<Buffer> r) {
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    static void assertError(HttpResponse<Buffer> r, int status, String code, String inMessage) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        JsonObject e = r.bodyAsJsonObject();
        assertEquals(code, e.getString("code"), r.bodyAsString());
        assertTrue(e.getString("message").contains(inMessage), "\"" + inMessage + "\" not in " + e.getString("message"));
    }

    Set<String> snapshotIds() {
        Set<String> out = new TreeSet<>();
        tv.vault.listSnapshots().forEach(r -> out.add(r.id()));
        return out;
    }

    /** Every object of the vault by name and size: what a dry run must leave as it is. */
    Set<String> objects() {
        Set<String> out = new TreeSet<>();
        for (ObjectKind k : ObjectKind.values()) {
            for (VaultObject o : tv.vault.list(k).objects()) {
                out.add(o.name() + " " + o.size());
            }
        }
        return out;
    }

    static List<String> strings(JsonArray a) {
        return a.stream().map(String.class::cast).toList();
    }

    JsonObject startGc(ApiServer s, JsonObject body) {
        HttpResponse<Buffer> r = call(s, HttpMethod.POST, "/api/v1/gc", ADMIN, body);
        assertEquals(202, r.statusCode(), r.bodyAsString());
        JsonObject job = r.bodyAsJsonObject();
        assertEquals("/api/v1/gc/" + job.getString("id"), r.getHeader("Location"));
        return job;
    }

    JsonObject awaitGc(ApiServer s, String id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            JsonObject j = ok(call(s, HttpMethod.GET, "/api/v1/gc/" + id, ADMIN, null));
            if (!j.getString("state").equals("running")) {
                return j;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("garbage collection " + id + " did not end");
    }

    void assertRestores(String snapshot) throws IOException {
        Path target = Files.createTempDirectory(tmp, "restore");
        SnapshotRef ref = tv.vault.loadSnapshot(snapshot);
        Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(ref, target);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(contents.get(snapshot), files(target), snapshot);
    }

    void assertClean() {
        Checker.Result c = new Checker(tv.vault, Checker.Options.readAll()).run((phase, done, total, read) -> { });
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    // -- roles -----------------------------------------------------------------------------------

    @Test
    void readAndRestoreTokensMayCallNoAdminRoute() {
        Map<String, JsonObject> bodies = Map.of("POST /api/v1/forget", new JsonObject().put("keep_last", 1),
                "POST /api/v1/gc", new JsonObject().put("dry_run", true));
        Set<String> admin = new TreeSet<>();
        for (String[] r : server.routes()) {
            if (r[2].equals("admin")) {
                admin.add(r[0] + " " + r[1]);
            }
        }
        assertEquals(Set.of("DELETE /api/v1/snapshots/{id}", "POST /api/v1/forget", "POST /api/v1/gc",
                "GET /api/v1/gc", "GET /api/v1/gc/{id}", "GET /api/v1/plans", "POST /api/v1/plans", "GET /api/v1/plans/{name}",
                "PATCH /api/v1/plans/{name}", "DELETE /api/v1/plans/{name}", "POST /api/v1/plans/{name}/pause",
                "POST /api/v1/plans/{name}/resume", "POST /api/v1/plans/{name}/run", "GET /api/v1/plans/{name}/runs"),
                admin, "the routes that need admin");
        Set<String> before = objects();
        for (String op : admin) {
            String method = op.substring(0, op.indexOf(' '));
            String uri = op.substring(op.indexOf(' ') + 1).replace("{id}", op.contains("snapshots") ? s1 : "0123")
                    .replace("{name}", "nightly");
            for (String token : List.of(READ, RESTORE)) {
                HttpResponse<Buffer> r = call(HttpMethod.valueOf(method), uri, token, bodies.get(op));
                assertError(r, 403, "forbidden", "this needs admin");
            }
        }
        assertEquals(before, objects(), "nothing changed");
        assertEquals(200, call(HttpMethod.GET, "/api/v1/stats", READ, null).statusCode(), "statistics need read only");
        assertEquals(200, call(HttpMethod.GET, "/api/v1/snapshots/" + s1 + "/stats", READ, null).statusCode());
    }

    // -- forget ----------------------------------------------------------------------------------

    @Test
    void forgetsOneSnapshotByIdOrPrefixAfterADryRun() {
        long predicted = Stats.load(tv.vault, 2, () -> { }).freedBy(List.of(s1));
        assertTrue(predicted > 0, "s1 holds a version of big.bin no other snapshot has");
        Set<String> before = objects();
        JsonObject dry = ok(delete(s1.substring(0, 10) + "?dry_run=true"));
        assertTrue(dry.getBoolean("dry_run"));
        assertEquals(List.of(s1), strings(dry.getJsonArray("removed")));
        assertEquals(predicted, dry.getLong("bytes_freed"));
        assertEquals(before, objects(), "a dry run changes nothing");
        JsonObject groupA = dry.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("group").startsWith("host=host-a ")).findFirst().orElseThrow();
        Map<String, String> actions = new HashMap<>();
        groupA.getJsonArray("snapshots").forEach(o -> actions.put(((JsonObject) o).getString("id"),
                ((JsonObject) o).getString("action")));
        assertEquals(Map.of(s1, "remove", s2, "keep", s3, "keep"), actions);

        JsonObject real = ok(delete(s1.substring(0, 10)));
        assertFalse(real.getBoolean("dry_run"));
        assertEquals(List.of(s1), strings(real.getJsonArray("removed")));
        assertEquals(predicted, real.getLong("bytes_freed"));
        assertEquals(Set.of(s2, s3, b1), snapshotIds(), "exactly the named snapshot is gone");
        assertError(call(HttpMethod.GET, "/api/v1/snapshots/" + s1, READ, null), 404, "snapshot_not_found", "");
        assertError(delete(s1), 404, "snapshot_not_found", "");

        assertError(delete("latest"), 400, "invalid_argument", "latest");
        assertError(delete(s2 + "?dry_rn=true"), 400, "invalid_argument", "dry_rn");
        assertError(delete(s2 + "?dry_run=yes"), 400, "invalid_argument", "dry_run");
        assertEquals(Set.of(s2, s3, b1), snapshotIds(), "a refused request removes nothing");
    }

    /** The backup lock over HTTP: 409 snapshot_locked naming the snapshot and its time; a bypass needs its role. */
    @Test
    void lockedSnapshotsAreRefusedAndOnlyTheGovernanceRoleLiftsAGovernanceRetention() {
        tv.vault.locks().hold(s1, "case 12");
        Instant until = tv.vault.locks().now().plus(Duration.ofDays(10));
        tv.vault.locks().retain(s2, until);
        Set<String> before = snapshotIds();

        assertError(delete(s1), 409, "snapshot_locked", "legal hold \"case 12\"");
        assertError(delete(s2), 409, "snapshot_locked", s2 + " is locked until " + until);
        assertError(forget(new JsonObject().put("snapshots", new JsonArray().add(s1).add(s3))), 409, "snapshot_locked",
                s1);
        assertError(delete(s2 + "?bypass_governance=true"), 403, "forbidden", "governance");
        JsonObject policy = ok(forget(new JsonObject().put("keep_last", 1).put("group_by", "host")));
        assertEquals(List.of(), policy.getJsonArray("removed").getList(), policy.encode());
        assertTrue(policy.encode().contains("locked until " + until), policy.encode());
        assertEquals(before, snapshotIds(), "nothing was removed");

        JsonObject listed = ok(call(HttpMethod.GET, "/api/v1/snapshots", READ, null));
        for (Object o : listed.getJsonArray("snapshots")) {
            JsonObject snap = (JsonObject) o;
            if (snap.getString("id").equals(s2)) {
                assertEquals(until.toString(), snap.getString("retain_until"));
                assertEquals("governance", snap.getString("lock_mode"));
            }
            assertEquals(snap.getString("id").equals(s1) ? 1 : 0, snap.getJsonArray("holds").size());
        }

        assertError(call(HttpMethod.DELETE, "/api/v1/snapshots/" + s1 + "?bypass_governance=true", GOVERNANCE, null), 409,
                "snapshot_locked", "legal hold");
        ok(call(HttpMethod.DELETE, "/api/v1/snapshots/" + s2 + "?bypass_governance=true", GOVERNANCE, null));
        assertFalse(snapshotIds().contains(s2));
        assertTrue(tv.vault.locks().state().history().stream().anyMatch(h -> h.contains(s2) && h.contains("bypassed")));
    }

    /**
     * The HTTP deletion paths against each kind of protection, on a vault whose storage clock the test
     * moves: refused with 409 snapshot_locked while the protection holds, carried out once it passed.
     */
    @Test
    void everyHttpDeletionRefusesExactlyWhileTheProtectionHolds() throws Exception {
        for (String state : List.of("unlocked", "governance", "compliance", "held")) {
            Path dir = tmp.resolve("clocked-" + state);
            TestVault.create(dir, 64 << 10).close();
            ClockedStorage clock = new ClockedStorage(Storages.open(dir.toString()), Instant.now());
            try (TestVault cv = TestVault.open(clock, 64 << 10)) {
                if (!state.equals("unlocked") && !state.equals("held")) {
                    cv.vault.locks().set(new Locks.Spec(LockMode.of(state), Duration.ofDays(30), null, Duration.ZERO,
                            List.of()), false);
                }
                Thread.sleep(3);
                String target = cv.backup(srcA, "host-a");
                Thread.sleep(3);
                String other = cv.backup(srcA, "host-a");
                if (state.equals("held")) {
                    cv.vault.locks().hold(target, "case 5");
                }
                ApiServer s = ApiServer.start(cv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens));
                extraServers.add(s);
                JsonObject policy = ok(call(s, HttpMethod.POST, "/api/v1/forget", ADMIN,
                        new JsonObject().put("keep_last", 1).put("group_by", "host").put("dry_run", true)));
                if (state.equals("unlocked")) {
                    assertEquals(List.of(target), policy.getJsonArray("removed").getList(), state);
                    ok(call(s, HttpMethod.DELETE, "/api/v1/snapshots/" + target, ADMIN, null));
                    continue;
                }
                assertEquals(List.of(), policy.getJsonArray("removed").getList(), state);
                if (!state.equals("held")) { // GET /lock: the mode for anyone, the bypass keys for admin only
                    JsonObject seen = ok(call(s, HttpMethod.GET, "/api/v1/lock", READ, null));
                    assertEquals(state, seen.getString("mode"));
                    assertFalse(seen.containsKey("bypass_keys"), seen.encode());
                    assertTrue(ok(call(s, HttpMethod.GET, "/api/v1/lock", ADMIN, null)).containsKey("bypass_keys"));
                }
                String why = state.equals("held") ? "legal hold" : "locked until";
                assertError(call(s, HttpMethod.DELETE, "/api/v1/snapshots/" + target, ADMIN, null), 409,
                        "snapshot_locked", why);
                assertError(call(s, HttpMethod.POST, "/api/v1/forget", ADMIN, new JsonObject().put("snapshots",
                        new JsonArray().add(target))), 409, "snapshot_locked", target);
                clock.advance(Duration.ofDays(31));
                if (state.equals("held")) {
                    assertError(call(s, HttpMethod.DELETE, "/api/v1/snapshots/" + target, ADMIN, null), 409,
                            "snapshot_locked", "case 5");
                    cv.vault.locks().release(target, "closed");
                }
                ok(call(s, HttpMethod.DELETE, "/api/v1/snapshots/" + target, ADMIN, null));
                assertEquals(List.of(other), cv.vault.listSnapshots().stream().map(SnapshotRef::id).toList(), state);
            }
        }
    }

    @Test
    void theLastSnapshotOfAGroupGoesOnlyWhenAllowed() {
        assertError(delete(b1), 409, "conflict", "allow_remove_all");
        assertError(forget(new JsonObject().put("snapshots", new JsonArray().add(b1))), 409, "conflict",
                "allow_remove_all");
        assertError(forget(new JsonObject().put("snapshots", new JsonArray().add(s1).add(s2).add(s3))), 409, "conflict",
                "host=host-a");
        assertEquals(Set.of(s1, s2, s3, b1), snapshotIds(), "refused: nothing removed");

        JsonObject plan = ok(delete(b1 + "?allow_remove_all=true"));
        assertEquals(List.of(b1), strings(plan.getJsonArray("removed")));
        assertTrue(plan.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .anyMatch(g -> g.getString("group").startsWith("host=host-b ") && g.getBoolean("removes_all")));
        assertEquals(Set.of(s1, s2, s3), snapshotIds());
    }

    @Test
    void forgetsByPolicyExactlyWhatTheDryRunPlanned() {
        JsonObject policy = new JsonObject().put("keep_last", 1).put("group_by", "host,path").put("tz", "Europe/Berlin");
        Set<String> before = objects();
        JsonObject dry = ok(forget(policy.copy().put("dry_run", true)));
        assertEquals(before, objects(), "a dry run changes nothing");
        assertEquals(List.of(s1, s2), strings(dry.getJsonArray("removed")), "oldest first");
        assertEquals(2, dry.getInteger("kept"));
        JsonObject groupA = dry.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("group").startsWith("host=host-a ")).findFirst().orElseThrow();
        JsonObject newest = groupA.getJsonArray("snapshots").getJsonObject(0);
        assertEquals(s3, newest.getString("id"));
        assertEquals(List.of("last", "newest complete"), strings(newest.getJsonArray("reasons")));
        assertEquals(srcA.toString(), newest.getString("path"));
        assertEquals("host-a", newest.getString("host"));

        JsonObject real = ok(forget(policy));
        assertEquals(dry.getJsonArray("groups"), real.getJsonArray("groups"));
        assertEquals(dry.getJsonArray("removed"), real.getJsonArray("removed"));
        assertEquals(dry.getLong("bytes_freed"), real.getLong("bytes_freed"));
        assertEquals(Set.of(s3, b1), snapshotIds(), "exactly the planned snapshots are gone");
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(objects());
        assertEquals(Set.of("snapshots/" + s1, "snapshots/" + s2), gone.stream().map(o -> o.substring(0, o.indexOf(' ')))
                .collect(Collectors.toSet()), "only snapshot objects are deleted");

        JsonObject again = ok(forget(new JsonObject().put("keep_daily", "unlimited")));
        assertEquals(List.of(), strings(again.getJsonArray("removed")));
    }

    @Test
    void aBadForgetFieldIsRefusedByName() {
        Map<String, String> bad = new TreeMap<>();
        bad.put("{\"keep_lats\":1}", "keep_lats");
        bad.put("{\"keep_daily\":\"seven\"}", "keep_daily");
        bad.put("{\"keep_daily\":-5}", "keep_daily");
        bad.put("{\"keep_weekly\":1.5}", "keep_weekly");
        bad.put("{\"keep_within\":\"3w\"}", "keep_within");
        bad.put("{\"keep_within_daily\":5}", "keep_within_daily");
        bad.put("{\"keep_last\":1,\"group_by\":\"hots\"}", "group_by");
        bad.put("{\"keep_last\":1,\"tz\":\"Mars/Base\"}", "tz");
        bad.put("{\"keep_tags\":\"daily\"}", "keep_tags");
        bad.put("{\"keep_tags\":[\"\"]}", "keep_tags");
        bad.put("{\"keep_last\":1,\"snapshots\":[\"" + s1 + "\"]}", "snapshots");
        bad.put("{\"snapshots\":[]}", "snapshots");
        bad.put("{\"snapshots\":\"" + s1 + "\"}", "snapshots");
        bad.put("{\"snapshots\":[\"latest\"]}", "snapshots");
        bad.put("{\"keep_last\":1,\"dry_run\":\"yes\"}", "dry_run");
        bad.put("{\"keep_last\":1,\"allow_remove_all\":1}", "allow_remove_all");
        bad.put("{}", "keep_last");
        bad.put("{\"keep_last\":0}", "keep_last");
        bad.put("[1]", "JSON object");
        bad.put("{not json", "JSON");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            HttpResponse<Buffer> r = client.request(HttpMethod.POST, server.port(), "127.0.0.1", "/api/v1/forget")
                    .putHeader("Authorization", "Bearer " + ADMIN).putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(b.getKey())).await();
            assertError(r, 400, "invalid_argument", b.getValue());
        }
        assertError(call(HttpMethod.POST, "/api/v1/forget", ADMIN, null), 400, "invalid_argument", "JSON object body");
        assertError(forget(new JsonObject().put("snapshots", new JsonArray().add("fffffff"))), 404, "snapshot_not_found",
                "");
        assertEquals(Set.of(s1, s2, s3, b1), snapshotIds(), "nothing was removed");
    }

    // -- garbage collection ----------------------------------------------------------------------

    @Test
    void aDryRunCollectionRunsToDoneAndChangesNothing() throws Exception {
        ok(delete(s1));
        Set<String> before = objects();
        JsonObject started = startGc(server, new JsonObject().put("dry_run", true).put("max_unused", "10%"));
        assertEquals("running", started.getString("state"));
        assertTrue(started.getBoolean("dry_run"));
        JsonObject job = awaitGc(server, started.getString("id"));
        assertEquals("done", job.getString("state"), job.encodePrettily());
        assertNotNull(job.getString("ended"));
        assertNull(job.getJsonObject("error"));
        JsonObject result = job.getJsonObject("result");
        assertTrue(result.getBoolean("dry_run"));
        assertEquals(3, result.getInteger("snapshots"));
        assertTrue(result.getLong("bytes_freed") > 0, result.encode());
        assertEquals(before, objects(), "a dry run changes nothing");
    }

    @Test
    void aRealCollectionNeedsACoordinator() {
        Set<String> before = objects();
        assertError(call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject()), 501, "unsupported", "dry_run");
        assertError(call(HttpMethod.POST, "/api/v1/gc", ADMIN, null), 501, "unsupported", "pipeline");
        assertError(call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject().put("max_unused", "150%")), 400,
                "invalid_argument", "max_unused");
        assertError(call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject().put("max_unused", 5)), 400,
                "invalid_argument", "max_unused");
        assertError(call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject().put("fence_after", "6 hours")), 400,
                "invalid_argument", "fence_after");
        assertError(call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject().put("dry", true)), 400,
                "invalid_argument", "dry");
        assertError(call(HttpMethod.GET, "/api/v1/gc/0123", ADMIN, null), 404, "not_found", "0123");
        assertEquals(before, objects());
    }

    /** A coordinator with nothing else writing to the vault, that counts how it is used. */
    static final class Counting implements GcCoordinator {
        final GcCoordinator alone = GcCoordinator.alone();
        final AtomicInteger begun = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;

        Counting(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public void begin(String run) {
            begun.incrementAndGet();
            entered.countDown();
            try {
                assertTrue(release.await(60, TimeUnit.SECONDS), "the test never released the collection");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Set<BlobId> forget(String run, Iterator<BlobId> ids) {
            return alone.forget(run, ids);
        }

        @Override
        public void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting) {
            waiting.accept("no backup runs in this test");
        }

        @Override
        public void checkOwner(String run) {
        }

        @Override
        public void end(String run) {
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void aCollectionFreesWhatForgottenSnapshotsHeldAndTheRestStillRestores() throws Exception {
        List<Counting> opened = new CopyOnWriteArrayList<>();
        ApiServer withPipeline = serverWith(() -> {
            Counting c = new Counting(new CountDownLatch(0));
            opened.add(c);
            return c;
        });
        ok(forget(new JsonObject().put("keep_last", 1)));
        assertEquals(Set.of(s3, b1), snapshotIds());
        Vault vault = tv.vault;
        long bytesBefore = 0;
        for (ObjectKind k : ObjectKind.values()) {
            bytesBefore += vault.list(k).bytes();
        }
        JsonObject job = awaitGc(withPipeline, startGc(withPipeline, new JsonObject()).getString("id"));
        assertEquals("done", job.getString("state"), job.encodePrettily());
        JsonObject result = job.getJsonObject("result");
        assertFalse(result.getBoolean("dry_run"));
        assertTrue(result.getInteger("packs_deleted") + result.getInteger("packs_repacked") > 0, result.encode());
        long bytesAfter = 0;
        for (ObjectKind k : ObjectKind.values()) {
            bytesAfter += vault.list(k).bytes();
        }
        assertEquals(bytesBefore - bytesAfter, result.getLong("bytes_freed"), "bytes_freed is what the storage lost");
        assertTrue(result.getLong("bytes_freed") > 300_000, "the versions of big.bin only s1 and s2 had: " + result);
        assertEquals(List.of("no backup runs in this test"), strings(job.getJsonArray("notes")));
        assertEquals(1, opened.size(), "one coordinator for the run");
        assertEquals(1, opened.get(0).begun.get());
        assertEquals(1, opened.get(0).closed.get(), "closed after the run");

        assertClean();
        assertRestores(s3);
        assertRestores(b1);
        // the server reads the new packs too
        HttpResponse<Buffer> f = call(withPipeline, HttpMethod.GET, "/api/v1/snapshots/" + s3 + "/files/new.bin", READ,
                null);
        assertEquals(200, f.statusCode());
        assertEquals(contents.get(s3).get("new.bin"), new String(f.body().getBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aSecondCollectionWhileOneRunsIsAConflict() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Counting blocking = new Counting(release);
        ApiServer withPipeline = serverWith(() -> blocking);
        ok(delete(s1));
        JsonObject first = startGc(withPipeline, new JsonObject().put("fence_after", "6h"));
        try {
            assertTrue(blocking.entered.await(30, TimeUnit.SECONDS), "the collection began");
            assertError(call(withPipeline, HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject()), 409, "conflict",
                    first.getString("id"));
            assertError(call(withPipeline, HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject().put("dry_run", true)),
                    409, "conflict", first.getString("id"));
            JsonObject running = ok(call(withPipeline, HttpMethod.GET, "/api/v1/gc/" + first.getString("id"), ADMIN, null));
            assertEquals("running", running.getString("state"));
            assertNull(running.getValue("ended"));
            assertNull(running.getJsonObject("result"));
            String other = startGc(server, new JsonObject().put("dry_run", true)).getString("id");
            assertEquals("done", awaitGc(server, other).getString("state"),
                    "one collection at a time per server: another server may run its own");
        } finally {
            release.countDown();
        }
        JsonObject done = awaitGc(withPipeline, first.getString("id"));
        assertEquals("done", done.getString("state"), done.encodePrettily());
        assertEquals(1, blocking.closed.get());
        JsonObject next = awaitGc(withPipeline, startGc(withPipeline, new JsonObject().put("dry_run", true))
                .getString("id"));
        assertEquals("done", next.getString("state"), "the place is free once the run ended");
        assertClean();
        assertRestores(s2);
        assertRestores(s3);
    }

    @Test
    void aCollectionWhoseCoordinatorCannotBeHadFails() throws Exception {
        ApiServer broken = serverWith(() -> {
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "cannot reach the Kafka cluster at nowhere:9092");
        });
        JsonObject job = awaitGc(broken, startGc(broken, new JsonObject()).getString("id"));
        assertEquals("failed", job.getString("state"));
        assertEquals("broker_unreachable", job.getJsonObject("error").getString("code"));
        assertTrue(job.getJsonObject("error").getString("message").contains("nowhere:9092"));
        assertNull(job.getJsonObject("result"));
    }

    // -- statistics ------------------------------------------------------------------------------

    @Test
    void statisticsAreTheStatsApis() {
        ok(delete(s1)); // something unused, so every number is non-trivial
        Stats.Result expected = Stats.load(tv.vault, 2, () -> { }).compute();
        JsonObject all = ok(call(HttpMethod.GET, "/api/v1/stats", READ, null));
        assertVault(expected.vault(), all.getJsonObject("vault"));
        JsonArray snaps = all.getJsonArray("snapshots");
        assertEquals(expected.snapshots().size(), snaps.size());
        for (int i = 0; i < snaps.size(); i++) {
            assertSnapshot(expected.snapshots().get(i), snaps.getJsonObject(i));
        }
        assertTrue(expected.vault().unusedBytes() > 0);

        JsonObject one = ok(call(HttpMethod.GET, "/api/v1/snapshots/" + s2.substring(0, 8) + "/stats", READ, null));
        assertVault(expected.vault(), one.getJsonObject("vault"));
        assertEquals(1, one.getJsonArray("snapshots").size());
        Stats.SnapshotStats s2Stats = expected.snapshots().stream().filter(s -> s.id().equals(s2)).findFirst()
                .orElseThrow();
        assertSnapshot(s2Stats, one.getJsonArray("snapshots").getJsonObject(0));
        assertEquals(b1, ok(call(HttpMethod.GET, "/api/v1/snapshots/latest/stats", READ, null)).getJsonArray("snapshots")
                .getJsonObject(0).getString("id"), "latest: the snapshot sealed last");
        assertError(call(HttpMethod.GET, "/api/v1/snapshots/" + s1 + "/stats", READ, null), 404, "snapshot_not_found", "");
    }

    static void assertVault(Stats.VaultStats v, JsonObject o) {
        assertEquals(v.snapshots(), o.getInteger("snapshots"));
        assertEquals(v.storedBytes(), o.getLong("stored_bytes"));
        assertEquals(v.byKind().get(ObjectKind.PACK), o.getJsonObject("stored_bytes_by_kind").getLong("pack"));
        assertEquals(v.byKind().get(ObjectKind.INDEX), o.getJsonObject("stored_bytes_by_kind").getLong("index"));
        assertEquals(v.logicalBytes(), o.getLong("logical_bytes"));
        assertEquals(v.referencedStoredBytes(), o.getLong("referenced_stored_bytes"));
        assertEquals(v.referencedRawBytes(), o.getLong("referenced_raw_bytes"));
        assertEquals(v.unusedBytes(), o.getLong("unused_bytes"));
        assertEquals(v.dedupRatio(), o.getDouble("dedup_ratio"), 1e-12);
        assertEquals(v.compressionRatio(), o.getDouble("compression_ratio"), 1e-12);
    }

    static void assertSnapshot(Stats.SnapshotStats s, JsonObject o) {
        assertEquals(s.id(), o.getString("id"));
        assertEquals(s.files(), o.getLong("files"));
        assertEquals(s.logicalBytes(), o.getLong("logical_bytes"));
        assertEquals(s.storedBytes(), o.getLong("stored_bytes"));
        assertEquals(s.rawBytes(), o.getLong("raw_bytes"));
        assertEquals(s.uniqueBytes(), o.getLong("unique_bytes"));
        assertEquals(s.addedBytes(), o.getLong("added_bytes"));
    }

    // -- the lag of copies ------------------------------------------------------------------------

    @Test
    void copiesAnswerTheLagsOfTheSupplierAsStatsJsonDoes() throws Exception {
        List<CopyLag> lags = List.of(
                new CopyLag("azure://copies/east", 1_767_225_600_123L, 12, 7_340_032L, 2, 95, s2),
                new CopyLag("/mnt/offsite/vault", 1_767_225_601_000L, 0, 0, 0, 0, null));
        List<Boolean> onWorker = new CopyOnWriteArrayList<>();
        ApiServer withCopies = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens)
                .withCopyLags(() -> {
                    onWorker.add(Context.isOnWorkerThread());
                    return lags;
                }));
        extraServers.add(withCopies);
        HttpResponse<Buffer> r = call(withCopies, HttpMethod.GET, "/api/v1/copies", READ, null);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        JsonArray body = r.bodyAsJsonArray();
        assertEquals(new JsonArray(Reports.copies(lags).toString()), body, "what stats --json shows under copies");
        assertEquals(2, body.size());
        assertEquals("2026-01-01T00:00:00.123Z", body.getJsonObject(0).getString("measured"));
        assertNull(body.getJsonObject(1).getValue("newest_copied"));
        assertEquals(List.of(true), onWorker, "asked once, on a worker thread (it may wait on Kafka)");
        JsonObject doc = ok(call(HttpMethod.GET, "/api/v1/openapi.json", READ, null));
        assertDocumented(doc, "GET /api/v1/copies", r);

        HttpResponse<Buffer> none = call(HttpMethod.GET, "/api/v1/copies", READ, null);
        assertEquals(200, none.statusCode(), none.bodyAsString());
        assertEquals(new JsonArray(), none.bodyAsJsonArray(), "a server without a supplier has no copies to show");
        assertDocumented(doc, "GET /api/v1/copies", none);

        assertError(call(withCopies, HttpMethod.GET, "/api/v1/copies", "unknown-token-0123456789abcdef", null), 401,
                "unauthenticated", "");
        HttpResponse<Buffer> noToken = client.request(HttpMethod.GET, withCopies.port(), "127.0.0.1", "/api/v1/copies")
                .send().await();
        assertError(noToken, 401, "unauthenticated", "");
        assertDocumented(doc, "GET /api/v1/copies", noToken);
        assertEquals(1, onWorker.size(), "refused requests never reach the supplier");
        assertTrue(withCopies.routes().stream().anyMatch(x -> String.join(" ", x).equals("GET /api/v1/copies read")),
                "the lag of copies needs read only");
    }

    // -- the OpenAPI document --------------------------------------------------------------------

    @Test
    void theNewRoutesAnswerAsDocumented() throws Exception {
        JsonObject doc = ok(call(HttpMethod.GET, "/api/v1/openapi.json", READ, null));
        Set<String> checked = new HashSet<>();
        Map<String, HttpResponse<Buffer>> answers = new TreeMap<>();
        answers.put("GET /api/v1/stats", call(HttpMethod.GET, "/api/v1/stats", READ, null));
        answers.put("GET /api/v1/snapshots/{id}/stats", call(HttpMethod.GET, "/api/v1/snapshots/" + s1 + "/stats", READ,
                null));
        answers.put("POST /api/v1/forget", forget(new JsonObject().put("keep_last", 1).put("dry_run", true)));
        answers.put("DELETE /api/v1/snapshots/{id}", delete(s1 + "?dry_run=true"));
        HttpResponse<Buffer> started = call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject().put("dry_run", true));
        answers.put("POST /api/v1/gc", started);
        String id = started.bodyAsJsonObject().getString("id");
        awaitGc(server, id);
        answers.put("GET /api/v1/gc/{id}", call(HttpMethod.GET, "/api/v1/gc/" + id, ADMIN, null));
        answers.put("GET /api/v1/gc", call(HttpMethod.GET, "/api/v1/gc", ADMIN, null));
        answers.put("GET /api/v1/lock", call(HttpMethod.GET, "/api/v1/lock", READ, null));
        answers.put("GET /api/v1/session", call(HttpMethod.GET, "/api/v1/session", READ, null));
        answers.put("GET /api/v1/jobs", call(HttpMethod.GET, "/api/v1/jobs", READ, null));
        for (Map.Entry<String, HttpResponse<Buffer>> a : answers.entrySet()) {
            assertTrue(a.getValue().statusCode() < 300, a.getKey() + ": " + a.getValue().bodyAsString());
            assertDocumented(doc, a.getKey(), a.getValue());
            checked.add(a.getKey());
        }
        assertNotNull(answers.get("GET /api/v1/gc/{id}").bodyAsJsonObject().getJsonObject("result"));
        assertEquals(id, answers.get("GET /api/v1/gc").bodyAsJsonObject().getJsonArray("collections").getJsonObject(0)
                .getString("id"), "the newest collection first");
        assertEquals(new JsonObject().put("name", "reader").put("role", "read").put("roles", new JsonArray().add("read")),
                answers.get("GET /api/v1/session").bodyAsJsonObject());
        assertEquals(false, answers.get("GET /api/v1/lock").bodyAsJsonObject().getBoolean("locked"));
        // the errors these routes add
        assertDocumented(doc, "DELETE /api/v1/snapshots/{id}", delete(b1));
        assertDocumented(doc, "POST /api/v1/forget", forget(new JsonObject()));
        assertDocumented(doc, "POST /api/v1/gc", call(HttpMethod.POST, "/api/v1/gc", ADMIN, new JsonObject()));
        for (String[] r : server.routes()) {
            if (r[2].equals("admin") && !r[1].startsWith("/api/v1/plans")) { // PlansApiIT checks those
                assertTrue(checked.contains(r[0] + " " + r[1]), r[0] + " " + r[1] + " is checked here");
            }
        }
    }
}
