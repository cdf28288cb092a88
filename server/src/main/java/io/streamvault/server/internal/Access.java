package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The one check of bearer tokens and roles: {@link #authenticate} runs before every request (even
 * one for no route), {@link #require} before each route's handler with the role the route declares.
 */
final class Access {
    private static final String TOKEN_KEY = "sv.token";
    private final Tokens tokens;

    Access(Tokens tokens) {
        this.tokens = tokens;
    }

    /** Finds the request's token (401 without a valid one) and keeps it for {@link #require} and {@link #who}. */
    void authenticate(RoutingContext ctx) {
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

    /** A handler that lets the request on only if its token's role allows {@code needed} (else 403). */
    static Handler<RoutingContext> require(Role needed) {
        return ctx -> {
            Tokens.Entry e = who(ctx);
            if (!e.role().allows(needed)) {
                HttpErrors.send(ctx, ErrorCode.FORBIDDEN, "the token \"" + e.name() + "\" has the role "
                        + e.role().id() + "; this needs " + needed.id());
                return;
            }
            ctx.next();
        };
    }

    /** The token of an authenticated request. */
    static Tokens.Entry who(RoutingContext ctx) {
        return ctx.get(TOKEN_KEY);
    }
}
