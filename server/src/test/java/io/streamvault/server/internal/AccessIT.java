package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The router Api builds, over routes of each role, called with tokens of each role. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessIT {
    static final String READ = "read-token-0123456789";
    static final String RESTORE = "restore-token-0123456789";
    static final String ADMIN = "admin-token-0123456789";
    static final String GOVERNANCE = "governance-token-0123456789";

    @TempDir
    static Path tmp;
    Vertx vertx;
    HttpServer server;
    WebClient client;

    @BeforeAll
    void start() throws Exception {
        Path file = Files.writeString(tmp.resolve("tokens"), "read " + READ + " viewer\nrestore " + RESTORE + " ops\nadmin "
                + ADMIN + " boss\ngovernance " + GOVERNANCE + " officer\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        RouteTable table = new RouteTable();
        for (Role r : Role.values()) {
            table.add(HttpMethod.GET, "/" + r.id(), r, ctx -> Replies.ok(ctx, new JsonObject().put("called", r.id())));
        }
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(Api.router(vertx, new Access(Tokens.load(file)), table.routes(),
                ServerMeters.none()))
                .listen(0, "127.0.0.1").await();
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
    }

    @AfterAll
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    HttpResponse<Buffer> get(String path, String token) {
        HttpRequest<Buffer> r = client.get("/api/v1" + path);
        if (token != null) {
            r.putHeader("Authorization", "Bearer " + token);
        }
        return r.send().await();
    }

    @Test
    void eachRoleMayCallTheRoutesOfTheRolesItIncludes() {
        Map<Role, String> tokens = Map.of(Role.READ, READ, Role.RESTORE, RESTORE, Role.ADMIN, ADMIN,
                Role.GOVERNANCE, GOVERNANCE);
        assertEquals(EnumSet.allOf(Role.class), tokens.keySet(), "a token of every role");
        for (Role holder : Role.values()) {
            for (Role needed : Role.values()) {
                HttpResponse<Buffer> r = get("/" + needed.id(), tokens.get(holder));
                String what = holder.id() + " calling a route for " + needed.id() + ": " + r.bodyAsString();
                if (holder.allows(needed)) {
                    assertEquals(200, r.statusCode(), what);
                    assertEquals(needed.id(), r.bodyAsJsonObject().getString("called"), what);
                } else {
                    assertEquals(403, r.statusCode(), what);
                    assertEquals("forbidden", r.bodyAsJsonObject().getString("code"), what);
                    assertTrue(r.bodyAsJsonObject().getString("message").contains("has the role " + holder.id()
                            + "; this needs " + needed.id()), what);
                }
            }
        }
    }

    @Test
    void everyRequestNeedsAValidTokenFirst() {
        for (String path : new String[] {"/read", "/admin", "/nothing"}) {
            HttpResponse<Buffer> none = get(path, null);
            assertEquals(401, none.statusCode(), path);
            assertEquals("unauthenticated", none.bodyAsJsonObject().getString("code"));
            assertTrue(none.getHeader("WWW-Authenticate").startsWith("Bearer"));
            assertEquals(401, get(path, "unknown-token-0123456789").statusCode(), path);
        }
        HttpResponse<Buffer> missing = get("/nothing", ADMIN);
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", missing.bodyAsJsonObject().getString("code"));
    }
}
