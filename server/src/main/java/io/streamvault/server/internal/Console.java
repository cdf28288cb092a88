package io.streamvault.server.internal;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static pages from the jar under {@link #PATH}, with no token (they hold no data;
 * every datum they show comes from the API, with the token the user signs in with). {@code GET /}
 * leads there. Served with a strict content security policy: only the console's own scripts and
 * styles, and requests only to this server.
 */
final class Console {
    /** Where the console lives. */
    static final String PATH = "/console/";
    private static final String ASSETS = "io/streamvault/server/console";
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private Console() {
    }

    /** Puts the console's routes on {@code r}: call before the token check. */
    static void mount(Router r) {
        r.get("/").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", PATH).end());
        StaticHandler assets = StaticHandler.create(ASSETS).setCachingEnabled(false).setDirectoryListing(false)
                .setIndexPage("index.html");
        r.route(PATH + "*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", POLICY)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Cache-Control", "no-cache");
            ctx.next();
        }).handler(assets).handler(ctx -> ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
                .end("no such page of the console\n")); // a missing file: not the API's token check
        r.get("/console").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", PATH).end());
    }
}
