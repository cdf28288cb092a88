package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;

/** {@code GET /openapi.json}: the OpenAPI document of the API, read once from the class path. */
final class OpenApiRoutes {
    /** The OpenAPI document, as a class-path resource. */
    static final String RESOURCE = "/io/streamvault/server/openapi.json";
    private final byte[] document;

    OpenApiRoutes() {
        this.document = load();
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/openapi.json", Role.READ, this::document);
    }

    private void document(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(document));
    }

    private static byte[] load() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new FatalException(ErrorCode.INTERNAL, "the OpenAPI document " + RESOURCE + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot read the OpenAPI document", e);
        }
    }
}
