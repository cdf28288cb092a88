package io.streamvault.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.CapacityHistory;
import io.streamvault.maintenance.Reports;
import io.streamvault.maintenance.StatsCache;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored capacity (role read), docs/capacity.md: {@code GET /capacity[?since=T]} measures the vault
 * (every snapshot's trees read once; again only once its objects changed, {@link StatsCache}) for the
 * plans' shares and the monthly estimate, as
 * {@code streamvault stats --json} prints them under {@code capacity}, and adds the records of the
 * capacity history from T on (default: all), as {@code stats --history --json} prints them.
 */
final class CapacityRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityRoutes.class);
    private final Browser browser;
    private final StatsCache measured;
    private final Worker worker;
    private final Capacity.Price price;

    CapacityRoutes(Browser browser, StatsCache measured, Worker worker, Capacity.Price price) {
        this.browser = browser;
        this.measured = measured;
        this.worker = worker;
        this.price = price;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/capacity", Role.READ, this::get);
    }

    private void get(RoutingContext ctx) {
        Params.onlyKnownParams(ctx, Set.of("since"));
        String text = ctx.queryParams().get("since");
        Instant since = text == null ? null : CapacityHistory.since("query parameter since", text, Instant.now());
        worker.run(ctx, () -> {
            ObjectNode o = Reports.capacity(measured.capacity(), price);
            o.set("history", Reports.history(CapacityHistory.read(browser.vault(), since,
                    e -> LOG.warn("capacity history: skipping {}", e.getMessage())), price));
            return JsonForms.of(o);
        }, body -> Replies.ok(ctx, body));
    }
}
