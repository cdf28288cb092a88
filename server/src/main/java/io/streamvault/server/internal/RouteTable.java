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

    /** The routes in the order they were added. */
    List<Route> routes() {
        return List.copyOf(routes);
    }
}
