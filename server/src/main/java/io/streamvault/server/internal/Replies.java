package io.streamvault.server.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The successful JSON answers; every error goes through {@link HttpErrors}, which picks its status. */
final class Replies {
    private Replies() {
    }

    /** 200 with {@code body}. */
    static void ok(RoutingContext ctx, JsonObject body) {
        json(ctx, 200, body.encode());
    }

    /** 200 with the array {@code body}. */
    static void ok(RoutingContext ctx, JsonArray body) {
        json(ctx, 200, body.encode());
    }

    /** 201 with {@code body}, the resource created at {@code location}. */
    static void created(RoutingContext ctx, String location, JsonObject body) {
        ctx.response().putHeader("Location", location);
        json(ctx, 201, body.encode());
    }

    /** 202 with {@code body}, the created resource at {@code location}. */
    static void accepted(RoutingContext ctx, String location, JsonObject body) {
        ctx.response().putHeader("Location", location);
        json(ctx, 202, body.encode());
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
