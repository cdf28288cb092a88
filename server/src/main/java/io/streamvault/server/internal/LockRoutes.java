package io.streamvault.server.internal;

import io.streamvault.maintenance.Reports;
import io.streamvault.vault.Vault;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The vault lock (role read): {@code GET /lock}, what {@code streamvault lock show --json} prints.
 * Setting or lifting a lock stays a command-line act of a key holder (docs/lock.md).
 */
final class LockRoutes {
    private final Browser browser;
    private final Worker worker;

    LockRoutes(Browser browser, Worker worker) {
        this.browser = browser;
        this.worker = worker;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/lock", Role.READ, this::show);
    }

    private void show(RoutingContext ctx) {
        worker.run(ctx, () -> {
            Vault v = browser.vault();
            return JsonForms.of(Reports.lock(v.locks().state().lock(), v.locks().serviceSupport(), v.locks().now()));
        }, body -> Replies.ok(ctx, body));
    }
}
