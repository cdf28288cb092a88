package io.streamvault.server;

import static io.streamvault.server.OpenApiCheck.assertDocumented;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.FatalException;
import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanControl;
import io.streamvault.plans.PlanEdit;
import io.streamvault.plans.PlanReports;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanStore;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup plans over HTTP, on a real vault, with a {@link PlanControl} that records what it is asked
 * and answers canned runs in place of the schedulers. One server for the class (each test uses plans
 * of its own names), and one without a control.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlansApiIT {
    static final String READ = "read-token-0123456789abcdef";
    static final String RESTORE = "restore-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";

    @TempDir
    static Path tmp;
    Vertx vertx;
    WebClient client;
    TestVault tv;
    Recording control;
    ApiServer server;
    ApiServer bare;
    JsonObject doc;

    /** Records what it is asked; the runs are whatever a test puts in. */
    static final class Recording implements PlanControl {
        final List<String> requested = new CopyOnWriteArrayList<>();
        final List<String> changed = new CopyOnWriteArrayList<>();
        final Map<String, List<PlanRun>> runs = new ConcurrentHashMap<>();

        @Override
        public List<PlanRun> runs(String plan, int limit) {
            List<PlanRun> r = runs.getOrDefault(plan, List.of());
            return r.subList(0, Math.min(limit, r.size()));
        }

        @Override
        public String requestRun(String plan) {
            requested.add(plan);
            return plan + "/request/" + requested.size();
        }

        @Override
        public void changed(String plan) {
            changed.add(plan);
        }

        @Override
        public void close() {
        }
    }

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        tv = TestVault.create(tmp.resolve("vault"), 64 << 10);
        Path tokens = Files.writeString(tmp.resolve("tokens"), "read " + READ + " reader\nrestore " + RESTORE
                + " restorer\nadmin " + ADMIN + " boss\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        control = new Recording();
        server = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens).withPlanControl(control));
        bare = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens));
        doc = ok(call(HttpMethod.GET, "/api/v1/openapi.json", READ, null));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {bare, server, tv}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        client.close();
        vertx.close().await();
    }

    HttpResponse<Buffer> call(ApiServer s, HttpMethod m, String uri, String token, JsonObject body) {
        HttpRequest<Buffer> r = client.request(m, s.port(), "127.0.0.1", uri).putHeader("Authorization", "Bearer " + token);
        return body == null ? r.send().await() : r.putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body.encode())).await();
    }

    HttpResponse<Buffer> call(HttpMethod m, String uri, String token, JsonObject body) {
        return call(server, m, uri, token, body);
    }

    HttpResponse<Buffer> admin(HttpMethod m, String uri, JsonObject body) {
        return call(m, "/api/v1" + uri, ADMIN, body);
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

    JsonObject create(JsonObject body) {
        HttpResponse<Buffer> r = admin(HttpMethod.POST, "/plans", body);
        assertEquals(201, r.statusCode(), r.bodyAsString());
        assertEquals("/api/v1/plans/" + body.getString("name"), r.getHeader("Location"));
        assertDocumented(doc, "POST /api/v1/plans", r);
        return r.bodyAsJsonObject();
    }

    Plan stored(String name) {
        return new PlanStore(tv.vault).get(name).orElseThrow();
    }

    List<Vault.Document> versions() {
        return tv.vault.readDocuments(ObjectKind.PLAN, e -> {
            throw e;
        });
    }

    /** The schedulers are told in the background: waits for word of {@code plan}'s {@code n}-th change. */
    void awaitChanged(String plan, int n) throws InterruptedException {
        for (int i = 0; i < 100 && control.changed.stream().filter(plan::equals).count() < n; i++) {
            Thread.sleep(50);
        }
        assertEquals(n, control.changed.stream().filter(plan::equals).count(), "changes told for " + plan);
    }

    static PlanRun run(String plan, long slotMs, PlanRun.State state, long endMs) {
        return new PlanRun(plan, PlanRun.id(plan, slotMs, 1), slotMs, 1, state, "schedule", slotMs + 1000,
                state.ended() ? endMs : 0, "job-" + slotMs, state == PlanRun.State.SUCCEEDED ? "ab".repeat(32) : null,
                "agent-1", 10, 2000, 300, 0, state == PlanRun.State.FAILED ? "disk on fire" : null, null);
    }

    // -- create, show, list ----------------------------------------------------------------------

    @Test
    void aCreatedPlanIsWhatTheStoreReadsAndShowsWithItsStatus() throws Exception {
        JsonObject created = create(new JsonObject().put("name", "home").put("path", "/home").put("schedule", "daily at 02:00")
                .put("tz", "Europe/Berlin").put("keep", new JsonObject().put("keep-daily", "7").put("keep-weekly", 4))
                .put("retain", "30d").put("tags", new JsonArray().add("laptop")).put("excludes", new JsonArray().add("*.tmp"))
                .put("overlap", "queue"));
        Plan p = stored("home");
        assertEquals("/home", p.path());
        assertEquals("daily at 02:00", p.schedule());
        assertEquals(ZoneId.of("Europe/Berlin"), p.zone());
        assertEquals(Map.of("keep-daily", "7", "keep-weekly", "4"), p.keep());
        assertEquals(Duration.ofDays(30).toSeconds(), p.retainSeconds());
        assertEquals(List.of("laptop"), p.tags());
        assertEquals(List.of("*.tmp"), p.excludes());
        assertEquals(Plan.Overlap.QUEUE, p.overlap());
        assertNull(p.host());
        assertFalse(p.paused() || p.continuous() || p.gc());
        assertEquals(new JsonObject(PlanReports.plan(p, null).toString()), created, "the answer is the stored plan");
        assertFalse(created.containsKey("next"), "a write answers the plan without its status");
        awaitChanged("home", 1);

        long day = 86_400_000L;
        long slot = Instant.now().toEpochMilli() / day * day - 3 * day;
        PlanRun good = run("home", slot, PlanRun.State.SUCCEEDED, slot + 60_000);
        PlanRun bad = run("home", slot + day, PlanRun.State.FAILED, slot + day + 60_000);
        control.runs.put("home", List.of(bad, good));
        HttpResponse<Buffer> got = admin(HttpMethod.GET, "/plans/home", null);
        assertDocumented(doc, "GET /api/v1/plans/{name}", got);
        JsonObject shown = ok(got);
        assertEquals(bad.id(), shown.getJsonObject("last_run").getString("id"));
        assertEquals("failed", shown.getJsonObject("last_run").getString("state"));
        assertEquals(good.id(), shown.getJsonObject("last_success").getString("id"));
        assertEquals(new JsonObject(PlanReports.run(good).toString()), shown.getJsonObject("last_success"));
        Instant next = Instant.parse(shown.getString("next"));
        assertTrue(next.isAfter(Instant.now()) && next.isBefore(Instant.now().plus(Duration.ofHours(25))), next.toString());
        long period = shown.getLong("period_s");
        assertTrue(period >= 23 * 3600 && period <= 25 * 3600, "a day, give or take a clock change: " + period);
        assertFalse(shown.getBoolean("overdue"), "created just now");

        HttpResponse<Buffer> listed = admin(HttpMethod.GET, "/plans", null);
        assertDocumented(doc, "GET /api/v1/plans", listed);
        assertEquals(200, listed.statusCode());
        JsonObject inList = listed.bodyAsJsonArray().stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("name").equals("home")).findFirst().orElseThrow();
        assertEquals(bad.id(), inList.getJsonObject("last_run").getString("id"));
        assertEquals(good.id(), inList.getJsonObject("last_success").getString("id"));
        assertEquals(shown.getString("updated"), inList.getString("updated"));

        // a server without a way to the schedulers shows the plan with the status of no runs
        JsonObject alone = ok(call(bare, HttpMethod.GET, "/api/v1/plans/home", ADMIN, null));
        assertNull(alone.getValue("last_run"));
        assertNull(alone.getValue("last_success"));
        assertEquals(shown.getString("next"), alone.getString("next"));
    }

    // -- change ----------------------------------------------------------------------------------

    @Test
    void aPatchChangesOnlyTheFieldsItGives() throws Exception {
        create(new JsonObject().put("name", "docs").put("path", "/srv/docs").put("schedule", "hourly").put("tz", "Asia/Tokyo")
                .put("keep", new JsonObject().put("keep-daily", "7").put("keep-last", "3")).put("retain", "7d")
                .put("tags", new JsonArray().add("a").add("b")).put("excludes", new JsonArray().add("*.o")).put("host", "box")
                .put("continuous", true).put("rpo", "30s"));
        Plan before = stored("docs");
        HttpResponse<Buffer> r = admin(HttpMethod.PATCH, "/plans/docs", new JsonObject().put("schedule", "every 15m")
                .put("keep", new JsonObject().put("keep-daily", "")).put("tags", new JsonArray()));
        assertDocumented(doc, "PATCH /api/v1/plans/{name}", r);
        JsonObject changed = ok(r);
        Plan after = stored("docs");
        assertTrue(after.updatedNs() > before.updatedNs());
        Plan expected = new Plan("docs", "/srv/docs", "every 15m", ZoneId.of("Asia/Tokyo"), Map.of("keep-last", "3"),
                before.retainSeconds(), List.of(), List.of("*.o"), "box", Plan.Overlap.SKIP, false, true, Duration.ofSeconds(30),
                Plan.DEFAULT_FULL_WALK, false, before.activeSinceNs(), after.updatedNs());
        assertEquals(expected, after);
        assertEquals(new JsonObject(PlanReports.plan(after, null).toString()), changed);

        ok(admin(HttpMethod.PATCH, "/plans/docs", new JsonObject().put("schedule", (Object) null)));
        Plan cleared = stored("docs");
        assertEquals(new Plan("docs", "/srv/docs", null, ZoneId.of("Asia/Tokyo"), Map.of("keep-last", "3"),
                before.retainSeconds(), List.of(), List.of("*.o"), "box", Plan.Overlap.SKIP, false, true, Duration.ofSeconds(30),
                Plan.DEFAULT_FULL_WALK, false, before.activeSinceNs(), cleared.updatedNs()), cleared,
                "\"schedule\": null removes the schedule, and nothing else");
        awaitChanged("docs", 3);
    }

    // -- refusals --------------------------------------------------------------------------------

    @Test
    void badInputIsRefusedWithTheMessagesOfTheCommandLineAndWritesNothing() {
        int versions = versions().size();
        String rpo = assertThrows(FatalException.class, () -> new PlanEdit("/x", null, false, null, null, null, null, null,
                null, null, true, "1s", null, null).create("x", 1)).getMessage();
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "/x")
                .put("continuous", true).put("rpo", "1s")), 400, "invalid_argument", rpo);
        assertEquals("--rpo must be at least 5s", rpo);
        String tz = assertThrows(FatalException.class, () -> new PlanEdit("/x", null, false, "Mars/Olympus", null, null,
                null, null, null, null, null, null, null, null).create("x", 1)).getMessage();
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "/x")
                .put("tz", "Mars/Olympus")), 400, "invalid_argument", tz);
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "/x")
                .put("schedule", "daily at 25:00")), 400, "invalid_argument", "schedule 'daily at 25:00'");
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "/x")
                .put("keep", new JsonObject().put("keep-forever", "1"))), 400, "invalid_argument", "unknown retention option");
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "/x")
                .put("colour", "red")), 400, "invalid_argument", "unknown field \"colour\"");
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "Not A Name").put("path", "/x")),
                400, "invalid_argument", "a plan name is 1-64");
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("path", "/x")), 400, "invalid_argument",
                "\"name\" is required");
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "relative/dir")),
                400, "invalid_argument", "\"path\" must be an absolute directory");
        assertError(admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "x").put("path", "/x")
                .put("tags", "one")), 400, "invalid_argument", "\"tags\" must be an array of strings");
        HttpResponse<Buffer> noBody = admin(HttpMethod.POST, "/plans", null);
        assertDocumented(doc, "POST /api/v1/plans", noBody);
        assertError(noBody, 400, "invalid_argument", "JSON object body");
        assertEquals(versions, versions().size(), "nothing was written");
        assertTrue(new PlanStore(tv.vault).get("x").isEmpty());

        create(new JsonObject().put("name", "strict").put("path", "/strict"));
        Plan before = stored("strict");
        HttpResponse<Buffer> rename = admin(HttpMethod.PATCH, "/plans/strict", new JsonObject().put("name", "other"));
        assertDocumented(doc, "PATCH /api/v1/plans/{name}", rename);
        assertError(rename, 400, "invalid_argument", "unknown field \"name\"");
        assertError(admin(HttpMethod.PATCH, "/plans/strict", new JsonObject().put("overlap", "sometimes")), 400,
                "invalid_argument", "--overlap is skip or queue, not 'sometimes'");
        assertEquals(before, stored("strict"), "a refused change changes nothing");
    }

    @Test
    void aSecondPlanOfOneNameIsAConflictAndAMissingPlanIsNotFound() {
        create(new JsonObject().put("name", "twice").put("path", "/one"));
        HttpResponse<Buffer> again = admin(HttpMethod.POST, "/plans", new JsonObject().put("name", "twice").put("path", "/two"));
        assertDocumented(doc, "POST /api/v1/plans", again);
        assertError(again, 409, "plan_exists", "plan twice exists");
        assertEquals("/one", stored("twice").path(), "the first stays");

        Map<String, HttpResponse<Buffer>> missing = new HashMap<>();
        missing.put("GET /api/v1/plans/{name}", admin(HttpMethod.GET, "/plans/nosuch", null));
        missing.put("PATCH /api/v1/plans/{name}", admin(HttpMethod.PATCH, "/plans/nosuch", new JsonObject().put("path", "/a")));
        missing.put("DELETE /api/v1/plans/{name}", admin(HttpMethod.DELETE, "/plans/nosuch", null));
        missing.put("POST /api/v1/plans/{name}/pause", admin(HttpMethod.POST, "/plans/nosuch/pause", null));
        missing.put("POST /api/v1/plans/{name}/resume", admin(HttpMethod.POST, "/plans/nosuch/resume", null));
        missing.put("POST /api/v1/plans/{name}/run", admin(HttpMethod.POST, "/plans/nosuch/run", null));
        for (Map.Entry<String, HttpResponse<Buffer>> e : missing.entrySet()) {
            assertDocumented(doc, e.getKey(), e.getValue());
            assertError(e.getValue(), 404, "plan_not_found", "no plan named 'nosuch'");
        }
        assertFalse(control.requested.contains("nosuch"), "no run asked for a plan that does not exist");
        assertError(admin(HttpMethod.GET, "/plans/No%20Such", null), 400, "invalid_argument", "a plan name is 1-64");
    }

    // -- pause, resume, delete -------------------------------------------------------------------

    @Test
    void pauseAndResumeFlipPaused() throws Exception {
        create(new JsonObject().put("name", "flip").put("path", "/flip").put("schedule", "every 1h"));
        long active = stored("flip").activeSinceNs();
        HttpResponse<Buffer> paused = admin(HttpMethod.POST, "/plans/flip/pause", null);
        assertDocumented(doc, "POST /api/v1/plans/{name}/pause", paused);
        assertTrue(ok(paused).getBoolean("paused"));
        assertTrue(stored("flip").paused());
        JsonObject shown = ok(admin(HttpMethod.GET, "/plans/flip", null));
        assertTrue(shown.getBoolean("paused"));
        assertNull(shown.getValue("next"), "no next slot while paused");
        HttpResponse<Buffer> resumed = admin(HttpMethod.POST, "/plans/flip/resume", null);
        assertDocumented(doc, "POST /api/v1/plans/{name}/resume", resumed);
        assertFalse(ok(resumed).getBoolean("paused"));
        Plan p = stored("flip");
        assertFalse(p.paused());
        assertTrue(p.activeSinceNs() > active, "slots count from the resume on");
        awaitChanged("flip", 3);
    }

    @Test
    void aDryRunDeletesNothingThenThePlanIsGoneAndItsVersionsStay() throws Exception {
        create(new JsonObject().put("name", "gone").put("path", "/gone"));
        ok(admin(HttpMethod.PATCH, "/plans/gone", new JsonObject().put("tags", new JsonArray().add("t"))));
        Set<String> before = new TreeSet<>();
        versions().forEach(d -> before.add(d.id()));
        HttpResponse<Buffer> dry = admin(HttpMethod.DELETE, "/plans/gone?dry_run=true", null);
        assertDocumented(doc, "DELETE /api/v1/plans/{name}", dry);
        assertEquals(new JsonObject().put("would_delete", "gone").put("dry_run", true), ok(dry));
        assertTrue(new PlanStore(tv.vault).get("gone").isPresent());
        assertError(admin(HttpMethod.DELETE, "/plans/gone?dryrun=true", null), 400, "invalid_argument",
                "unknown query parameter dryrun");
        Set<String> after = new TreeSet<>();
        versions().forEach(d -> after.add(d.id()));
        assertEquals(before, after, "a dry run writes nothing");

        assertEquals(new JsonObject().put("deleted", "gone").put("dry_run", false),
                ok(admin(HttpMethod.DELETE, "/plans/gone", null)));
        assertTrue(new PlanStore(tv.vault).get("gone").isEmpty());
        assertError(admin(HttpMethod.GET, "/plans/gone", null), 404, "plan_not_found", "gone");
        assertFalse(admin(HttpMethod.GET, "/plans", null).bodyAsJsonArray().stream().map(JsonObject.class::cast)
                .anyMatch(o -> o.getString("name").equals("gone")), "not listed");
        Set<String> afterDelete = new TreeSet<>();
        versions().forEach(d -> afterDelete.add(d.id()));
        assertTrue(afterDelete.containsAll(before), "the earlier versions stay in the vault");
        assertEquals(before.size() + 1, afterDelete.size(), "the deletion is one more version");
        awaitChanged("gone", 3);
        // a plan of that name can be created again
        create(new JsonObject().put("name", "gone").put("path", "/again"));
        assertEquals("/again", stored("gone").path());
    }

    // -- runs ------------------------------------------------------------------------------------

    @Test
    void aRunIsAskedOfTheSchedulerAndTheRunsAreTheSchedulersRuns() {
        create(new JsonObject().put("name", "now").put("path", "/now").put("schedule", "every 1h"));
        HttpResponse<Buffer> asked = admin(HttpMethod.POST, "/plans/now/run", null);
        assertDocumented(doc, "POST /api/v1/plans/{name}/run", asked);
        assertEquals(202, asked.statusCode(), asked.bodyAsString());
        assertEquals("/api/v1/plans/now/runs", asked.getHeader("Location"));
        assertEquals(List.of("now"), control.requested.stream().filter("now"::equals).toList());
        assertEquals("now/request/" + control.requested.size(), asked.bodyAsJsonObject().getString("request"));

        long hour = 3_600_000L;
        long slot = Instant.now().toEpochMilli() / hour * hour;
        List<PlanRun> runs = List.of(run("now", slot, PlanRun.State.RUNNING, 0), run("now", slot - hour,
                PlanRun.State.SUCCEEDED, slot - hour + 5000), run("now", slot - 2 * hour, PlanRun.State.FAILED, slot - hour));
        control.runs.put("now", runs);
        HttpResponse<Buffer> all = admin(HttpMethod.GET, "/plans/now/runs", null);
        assertDocumented(doc, "GET /api/v1/plans/{name}/runs", all);
        assertEquals(new JsonArray(PlanReports.runs(runs).toString()), all.bodyAsJsonArray());
        assertEquals(new JsonArray(PlanReports.runs(runs.subList(0, 2)).toString()),
                admin(HttpMethod.GET, "/plans/now/runs?limit=2", null).bodyAsJsonArray());
        assertError(admin(HttpMethod.GET, "/plans/now/runs?limit=0", null), 400, "invalid_argument", "limit=0");

        // without a way to the schedulers, neither
        HttpResponse<Buffer> unsupported = call(bare, HttpMethod.POST, "/api/v1/plans/now/run", ADMIN, null);
        assertDocumented(doc, "POST /api/v1/plans/{name}/run", unsupported);
        assertError(unsupported, 501, "unsupported", "without the vault's Kafka pipeline");
        assertError(call(bare, HttpMethod.GET, "/api/v1/plans/now/runs", ADMIN, null), 501, "unsupported", "pipeline");
        assertEquals(1, control.requested.stream().filter("now"::equals).count());
    }

    // -- roles and the document ------------------------------------------------------------------

    @Test
    void everyPlanRouteNeedsAdminAndIsDocumented() {
        Set<String> routes = new TreeSet<>();
        for (String[] r : server.routes()) {
            if (r[1].startsWith("/api/v1/plans")) {
                assertEquals("admin", r[2], r[0] + " " + r[1]);
                routes.add(r[0] + " " + r[1]);
            }
        }
        assertEquals(Set.of("GET /api/v1/plans", "POST /api/v1/plans", "GET /api/v1/plans/{name}",
                "PATCH /api/v1/plans/{name}", "DELETE /api/v1/plans/{name}", "POST /api/v1/plans/{name}/pause",
                "POST /api/v1/plans/{name}/resume", "POST /api/v1/plans/{name}/run", "GET /api/v1/plans/{name}/runs"), routes);
        create(new JsonObject().put("name", "guarded").put("path", "/guarded"));
        Plan before = stored("guarded");
        int versions = versions().size();
        int requested = control.requested.size();
        for (String op : routes) {
            String method = op.substring(0, op.indexOf(' '));
            String uri = op.substring(op.indexOf(' ') + 1).replace("{name}", "guarded");
            JsonObject body = method.equals("GET") || method.equals("DELETE") ? null
                    : new JsonObject().put("name", "sneaky").put("path", "/sneaky");
            for (String token : List.of(READ, RESTORE)) {
                HttpResponse<Buffer> r = call(HttpMethod.valueOf(method), uri, token, body);
                assertDocumented(doc, op, r);
                assertError(r, 403, "forbidden", "this needs admin");
            }
        }
        assertEquals(before, stored("guarded"));
        assertEquals(versions, versions().size(), "nothing written");
        assertEquals(requested, control.requested.size(), "no run asked for");
        for (String op : routes) {
            String path = op.substring(op.indexOf(' ') + 1);
            JsonObject operation = doc.getJsonObject("paths").getJsonObject(path)
                    .getJsonObject(op.substring(0, op.indexOf(' ')).toLowerCase());
            assertTrue(operation.getString("summary").contains("(role admin)"), op);
        }
    }
}
