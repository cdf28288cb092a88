package io.streamvault.server.internal;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * Who is asking (any role): {@code GET /session} answers the token's name, its role and the roles
 * it includes, so a client (the console) can sign in with a token and show only what it may do.
 */
final class SessionRoutes {
    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/session", Role.READ, this::show);
    }

    private void show(RoutingContext ctx) {
        Tokens.Entry who = Access.who(ctx);
        JsonArray may = new JsonArray();
        Arrays.stream(Role.values()).filter(who.role()::allows).forEach(r -> may.add(r.id()));
        Replies.ok(ctx, new JsonObject().put("name", who.name()).put("role", who.role().id()).put("roles", may));
    }
}
