package io.streamvault.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.CapacityHistory;
import io.streamvault.maintenance.Reports;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored capacity (role read), docs/capacity.md: {@code GET /capacity[?since=T]} measures the vault
 * now (every snapshot's trees read once) for the plans' shares and the monthly estimate, as
 * {@code streamvault stats --json} prints them under {@code capacity}, and adds the records of the
 * capacity history from T on (default: all), as {@code stats --history --json} prints them.
 */
final class CapacityRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityRoutes.class);
    private final Browser browser;
    private final Worker worker;
    private final Capacity.Price price;

    CapacityRoutes(Browser browser, Worker worker, Capacity.Price price) {
        this.browser = browser;
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
            ObjectNode o = Reports.capacity(Capacity.measure(browser.vault(), 4), price);
            o.set("history", Reports.history(CapacityHistory.read(browser.vault(), since,
                    e -> LOG.warn("capacity history: skipping {}", e.getMessage())), price));
            return JsonForms.of(o);
        }, body -> Replies.ok(ctx, body));
    }
}
