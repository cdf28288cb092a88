package io.streamvault.server.internal;

import io.streamvault.maintenance.CopyLag;
import io.streamvault.plans.PlanControl;
import io.streamvault.server.JobView;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * API v1: the routes classes, one per resource, register their routes in one {@link RouteTable},
 * each with the role it needs; the router checks the token of every request ({@link Access}), the
 * role of each route, and answers every error through {@link HttpErrors}. The table is also what
 * the OpenAPI document is checked against. The web console ({@link Console}) is served beside the
 * API, before the token check.
 */
public final class Api {
    /** Where the API lives. */
    public static final String BASE = "/api/v1";
    private static final int BODY_LIMIT = 1 << 20;
    private final Access access;
    private final List<Route> routes;
    private final ServerMeters meters;

    /**
     * @param plans the way to the agents' schedulers (see {@link PlanRoutes}); null when the server has none
     * @param copyLags the lag of the vault's copies (see {@link CopyRoutes}); null when the server has none
     * @param backups the running and recent backup jobs (see {@link JobRoutes}); null when the server has none
     * @param meters where requests and errors are counted, and what {@code GET /metrics} serves
     */
    public Api(Browser browser, RestoreJobs jobs, GcJobs gcJobs, Tokens tokens, WorkerExecutor executor,
            List<Path> restoreRoots, PlanControl plans, Supplier<List<CopyLag>> copyLags, Supplier<List<JobView>> backups,
            ServerMeters meters) {
        this.meters = meters;
        Worker worker = new Worker(executor);
        RouteTable table = new RouteTable();
        new OpenApiRoutes().register(table);
        new SnapshotRoutes(browser, worker).register(table);
        new FileRoutes(browser, worker).register(table);
        new RestoreRoutes(browser, jobs, worker, new RestoreRoots(restoreRoots)).register(table);
        new ForgetRoutes(browser, worker).register(table);
        new GcRoutes(gcJobs).register(table);
        new PlanRoutes(browser, worker, plans).register(table);
        new StatsRoutes(browser, worker).register(table);
        new CopyRoutes(worker, copyLags).register(table);
        new JobRoutes(worker, backups).register(table);
        new LockRoutes(browser, worker).register(table);
        new SessionRoutes().register(table);
        new MetricsRoutes(meters, worker).register(table);
        this.access = new Access(tokens);
        this.routes = table.routes();
    }

    /** Every served route, in the order they are matched. */
    public List<Route> routes() {
        return routes;
    }

    public Router router(Vertx vertx) {
        return router(vertx, access, routes, meters);
    }

    /**
     * The router of {@code routes}: every request timed and counted in {@code meters}, its token checked
     * first, each route's role before its handler.
     */
    static Router router(Vertx vertx, Access access, List<Route> routes, ServerMeters meters) {
        Router r = Router.router(vertx);
        Console.mount(r); // static files, neither token-checked nor counted
        r.route().handler(meters::time);
        r.route().handler(access::authenticate);
        for (Route s : routes) {
            var route = r.route(s.method(), s.vertxPath());
            if (s.method() == HttpMethod.POST || s.method() == HttpMethod.PATCH) {
                route.handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)); // Vert.x wants it first
            }
            route.handler(ctx -> {
                ctx.put(ServerMeters.ROUTE, s.path());
                ctx.next();
            });
            route.handler(Access.require(s.role())).handler(s.handler());
        }
        HttpErrors.install(r);
        return r;
    }
}
