package io.streamvault.server.internal;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * One served route: method, path in OpenAPI form ({@code /api/v1/snapshots/{id}}), the least role it
 * needs, and its handler.
 */
public record Route(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(role, "every route needs a role");
        Objects.requireNonNull(handler, "handler");
    }

    /** The Vert.x form: {x} becomes :x, a trailing {path} (raw bytes, any number of names) becomes *. */
    String vertxPath() {
        return path.replace("{path}", "*").replaceAll("\\{([a-z_]+)}", ":$1");
    }
}
