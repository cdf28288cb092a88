package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter of the process in the Prometheus text format (docs/metrics.md),
 * outside {@link Api#BASE} where Prometheus looks, and like every route behind a token (role read:
 * Prometheus sends one with {@code authorization} in its scrape configuration).
 */
final class MetricsRoutes {
    /** The path, outside the API's base. */
    static final String PATH = "/metrics";
    /** The Prometheus text format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final ServerMeters meters;
    private final Worker worker;

    MetricsRoutes(ServerMeters meters, Worker worker) {
        this.meters = meters;
        this.worker = worker;
    }

    void register(RouteTable routes) {
        routes.addOutsideBase(HttpMethod.GET, PATH, Role.READ, this::metrics);
    }

    private void metrics(RoutingContext ctx) {
        worker.run(ctx, () -> {
            String text = meters.text();
            if (text == null) {
                throw new FatalException(ErrorCode.NOT_FOUND, "this server serves no metrics");
            }
            return text;
        }, text -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(text));
    }
}
