package io.streamvault.server.internal;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the routes classes register their routes: the only way to add a route, and it takes the
 * role the route needs, so no route is served without one. {@link Api} puts the table on the router
 * behind the token check.
 */
final class RouteTable {
    private final List<Route> routes = new ArrayList<>();

    /**
     * Adds a route.
     *
     * @param path under {@link Api#BASE}, in OpenAPI form: {@code /snapshots/{id}}; a trailing
     *     {@code {path}} spans any number of names
     * @param role the least role a token needs to call it
     */
    void add(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
        routes.add(new Route(method, Api.BASE + path, role, handler));
    }

    /**
     * Adds a route outside {@link Api#BASE}, where another convention puts it ({@code /metrics}, where
     * Prometheus looks); it needs a role like every other.
     *
     * @param path the whole path, in OpenAPI form
     */
    void addOutsideBase(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
        if (path.startsWith(Api.BASE)) {
            throw new IllegalArgumentException(path + " is under " + Api.BASE + ": add it with add()");
        }
        routes.add(new Route(method, path, role, handler));
    }

    /** The routes in the order they were added. */
    List<Route> routes() {
        return List.copyOf(routes);
    }
}
