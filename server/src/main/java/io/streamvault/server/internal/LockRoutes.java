package io.streamvault.server.internal;

import io.streamvault.maintenance.Reports;
import io.streamvault.vault.Vault;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The vault lock (role read): {@code GET /lock}, what {@code streamvault lock show --json} prints.
 * Setting or lifting a lock stays a command-line act of a key holder (docs/lock.md). The keys that
 * hold the governance bypass right are shown to role admin and above only.
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
        boolean admin = Access.who(ctx).role().allows(Role.ADMIN);
        worker.run(ctx, () -> {
            Vault v = browser.vault();
            JsonObject lock = JsonForms.of(Reports.lock(v.locks().state().lock(), v.locks().serviceSupport(),
                    v.locks().now()));
            if (!admin) {
                lock.remove("bypass_keys"); // which keys may lift a retention is for those who change the vault
            }
            return lock;
        }, body -> Replies.ok(ctx, body));
    }
}
