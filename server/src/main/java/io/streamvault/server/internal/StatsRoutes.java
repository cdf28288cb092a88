package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.Reports;
import io.streamvault.maintenance.Stats;
import io.streamvault.maintenance.StatsCache;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Statistics (role read), as {@code streamvault stats --json} prints them: {@code GET /stats} (the
 * vault and every snapshot) and {@code GET /snapshots/{id}/stats} (the vault and one snapshot). A
 * measurement reads every snapshot's trees once, since a snapshot's unique bytes depend on all others;
 * it is made again only when the vault's objects changed ({@link StatsCache}).
 */
final class StatsRoutes {
    private final Browser browser;
    private final StatsCache measured;
    private final Worker worker;

    StatsRoutes(Browser browser, StatsCache measured, Worker worker) {
        this.browser = browser;
        this.measured = measured;
        this.worker = worker;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/stats", Role.READ, this::all);
        routes.add(HttpMethod.GET, "/snapshots/{id}/stats", Role.READ, this::one);
    }

    private void all(RoutingContext ctx) {
        worker.run(ctx, () -> {
            Stats.Result r = measured.stats();
            return JsonForms.of(Reports.stats(r, r.snapshots()));
        }, body -> Replies.ok(ctx, body));
    }

    private void one(RoutingContext ctx) {
        String idOrPrefix = ctx.pathParam("id");
        worker.run(ctx, () -> {
            String id = browser.vault().resolveSnapshot(idOrPrefix);
            Stats.Result r = measured.stats();
            List<Stats.SnapshotStats> shown = r.snapshots().stream().filter(s -> s.id().equals(id)).toList();
            if (shown.isEmpty()) {
                throw new FatalException(ErrorCode.SNAPSHOT_NOT_FOUND, "snapshot " + id + " was forgotten meanwhile");
            }
            return JsonForms.of(Reports.stats(r, shown));
        }, body -> Replies.ok(ctx, body));
    }
}
