package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.CopyLag;
import io.streamvault.maintenance.StatsCache;
import io.streamvault.plans.PlanControl;
import io.streamvault.server.JobView;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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
    /** The largest request body read (the JSON of any request is far smaller). */
    static final int BODY_LIMIT = 1 << 20;
    /** Readers of trees when the server measures the vault's statistics or capacity. */
    static final int MEASURE_THREADS = 8;
    private final Access access;
    private final List<Route> routes;
    private final ServerMeters meters;

    /**
     * @param plans the way to the agents' schedulers (see {@link PlanRoutes}); null when the server has none
     * @param copyLags the lag of the vault's copies (see {@link CopyRoutes}); null when the server has none
     * @param backups the running and recent backup jobs (see {@link JobRoutes}); null when the server has none
     * @param price the price of the capacity estimates (see {@link CapacityRoutes})
     * @param meters where requests and errors are counted, and what {@code GET /metrics} serves
     */
    public Api(Browser browser, RestoreJobs jobs, GcJobs gcJobs, Tokens tokens, WorkerExecutor executor,
            List<Path> restoreRoots, PlanControl plans, Supplier<List<CopyLag>> copyLags, Supplier<List<JobView>> backups,
            Capacity.Price price, ServerMeters meters) {
        this.meters = meters;
        Worker worker = new Worker(executor);
        RouteTable table = new RouteTable();
        StatsCache measured = new StatsCache(browser.vault(), MEASURE_THREADS);
        new OpenApiRoutes().register(table);
        new SnapshotRoutes(browser, worker).register(table);
        new FileRoutes(browser, worker).register(table);
        new RestoreRoutes(browser, jobs, worker, new RestoreRoots(restoreRoots)).register(table);
        new ForgetRoutes(browser, worker).register(table);
        new GcRoutes(gcJobs).register(table);
        new PlanRoutes(browser, worker, plans).register(table);
        new StatsRoutes(browser, measured, worker).register(table);
        new CopyRoutes(worker, copyLags).register(table);
        new JobRoutes(worker, backups).register(table);
        new LockRoutes(browser, worker).register(table);
        new SessionRoutes().register(table);
        new CapacityRoutes(browser, measured, worker, price).register(table);
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
     * The router of {@code routes}: every request timed and counted in {@code meters}, its Host and
     * token checked first, each route's role next, and only then a body read, when its declared length
     * is within {@link #BODY_LIMIT} (413 otherwise, before a byte of it is read; a body without a
     * declared length is cut off at the limit).
     */
    static Router router(Vertx vertx, Access access, List<Route> routes, ServerMeters meters) {
        Router r = Router.router(vertx);
        Console.mount(r); // its own headers; static files, neither token-checked nor counted
        r.route().handler(meters::time);
        r.route().handler(Api::neitherSniffedNorStored).handler(Api::requireHost).handler(access::authenticate);
        for (Route s : routes) {
            // two routes: Vert.x wants a body handler first on its route, and the role goes before the body
            boolean body = s.method() == HttpMethod.POST || s.method() == HttpMethod.PATCH;
            var checks = r.route(s.method(), s.vertxPath()).handler(ctx -> {
                ctx.put(ServerMeters.ROUTE, s.path()); // the route label of the request's metrics
                ctx.next();
            }).handler(Access.require(s.role()));
            var route = r.route(s.method(), s.vertxPath());
            if (body) {
                checks.handler(Api::declaredBodyWithinLimit);
                route.handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
            }
            route.handler(s.handler());
        }
        HttpErrors.install(r);
        return r;
    }

    /**
     * Every answer is for one token's holder: no cache may keep it (a shared proxy, the browser's
     * disk), and no browser may take a downloaded file for HTML or script.
     */
    private static void neitherSniffedNorStored(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
        ctx.next();
    }

    /** Refuses (400) a request without a Host header: HTTP/1.1 requires one, and this server of HTTP/1.0 too. */
    private static void requireHost(RoutingContext ctx) {
        if (ctx.request().authority() == null) {
            HttpErrors.send(ctx, ErrorCode.INVALID_ARGUMENT, "the request has no Host header");
            return;
        }
        ctx.next();
    }

    /** Refuses (413) a body whose Content-Length is over the limit, without reading it. */
    private static void declaredBodyWithinLimit(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        long n;
        try {
            n = length == null ? 0 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            n = 0; // Vert.x refuses a malformed length itself
        }
        if (n > BODY_LIMIT) {
            HttpErrors.send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the request body (" + n + " bytes) is over the limit: "
                    + bodyTooLarge());
            return;
        }
        ctx.next();
    }

    static String bodyTooLarge() {
        return "a request body may hold at most " + BODY_LIMIT + " bytes";
    }
}
