package io.streamvault.server.internal;

import io.streamvault.maintenance.CopyLag;
import io.streamvault.maintenance.Reports;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * The lag of the vault's copies (role read): {@code GET /copies}, the array {@code streamvault stats
 * --json} prints under {@code copies}. The lags come from the server's supplier (the copiers'
 * {@code copy-status} topic, in {@code serve}), asked on the worker pool since it may wait on Kafka;
 * a server without one has no copies to show.
 */
final class CopyRoutes {
    private final Worker worker;
    private final Supplier<List<CopyLag>> lags;

    /** @param lags the lag of each copy; null when the server has none */
    CopyRoutes(Worker worker, Supplier<List<CopyLag>> lags) {
        this.worker = worker;
        this.lags = lags == null ? List::of : lags;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/copies", Role.READ, this::list);
    }

    private void list(RoutingContext ctx) {
        worker.run(ctx, () -> JsonForms.of(Reports.copies(lags.get())), body -> Replies.ok(ctx, body));
    }
}
