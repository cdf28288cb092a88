package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    @Test
    void routesLiveUnderTheBaseWithTheirRoleInTheOrderAdded() {
        RouteTable t = new RouteTable();
        t.add(HttpMethod.GET, "/snapshots/{id}/files/{path}", Role.READ, ctx -> { });
        t.add(HttpMethod.DELETE, "/restores/{id}", Role.RESTORE, ctx -> { });
        List<Route> routes = t.routes();
        assertEquals(List.of("/api/v1/snapshots/{id}/files/{path}", "/api/v1/restores/{id}"),
                routes.stream().map(Route::path).toList());
        assertEquals(List.of(Role.READ, Role.RESTORE), routes.stream().map(Route::role).toList());
        assertEquals("/api/v1/snapshots/:id/files/*", routes.get(0).vertxPath());
        assertEquals("/api/v1/restores/:id", routes.get(1).vertxPath());
    }

    @Test
    void aRouteOutsideTheBaseKeepsItsPathAndItsRole() {
        RouteTable t = new RouteTable();
        t.addOutsideBase(HttpMethod.GET, "/metrics", Role.READ, ctx -> { });
        assertEquals("/metrics", t.routes().get(0).path());
        assertEquals(Role.READ, t.routes().get(0).role());
        assertThrows(IllegalArgumentException.class, () -> t.addOutsideBase(HttpMethod.GET, "/api/v1/x", Role.READ, ctx -> { }),
                "a route under the base is added with add()");
        assertThrows(NullPointerException.class, () -> t.addOutsideBase(HttpMethod.GET, "/y", null, ctx -> { }));
        assertEquals(1, t.routes().size());
    }

    @Test
    void aRouteWithoutARoleIsRefused() {
        RouteTable t = new RouteTable();
        assertThrows(NullPointerException.class, () -> t.add(HttpMethod.GET, "/x", null, ctx -> { }));
        assertEquals(List.of(), t.routes());
    }
}
