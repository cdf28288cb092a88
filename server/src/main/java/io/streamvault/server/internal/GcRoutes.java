package io.streamvault.server.internal;

import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Garbage collection (role admin): {@code POST /gc} starts a job (see {@link GcJobs}),
 * {@code GET /gc/{id}} follows it, {@code GET /gc} lists those the server remembers; when done, its result is what {@code streamvault gc --json}
 * prints.
 */
final class GcRoutes {
    static final Set<String> FIELDS = Set.of("max_unused", "fence_after", "dry_run");
    private final GcJobs jobs;

    GcRoutes(GcJobs jobs) {
        this.jobs = jobs;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.POST, "/gc", Role.ADMIN, this::start);
        routes.add(HttpMethod.GET, "/gc", Role.ADMIN, this::list);
        routes.add(HttpMethod.GET, "/gc/{id}", Role.ADMIN, this::get);
    }

    private void start(RoutingContext ctx) {
        GcJobs.Job job = jobs.start(options(JsonBody.object(ctx, true)), Access.who(ctx).name());
        Replies.accepted(ctx, Api.BASE + "/gc/" + job.id(), job.json());
    }

    private void list(RoutingContext ctx) {
        JsonArray all = new JsonArray();
        jobs.list().forEach(j -> all.add(j.json()));
        Replies.ok(ctx, new JsonObject().put("collections", all));
    }

    private void get(RoutingContext ctx) {
        Replies.ok(ctx, jobs.get(ctx.pathParam("id")).json());
    }

    /** The body (the GcRequest schema of openapi.json; every field optional) as the collector's options. */
    static GarbageCollector.Options options(JsonObject body) {
        JsonBody.onlyKnown(body, FIELDS);
        GarbageCollector.Options o = GarbageCollector.Options.defaults()
                .withDryRun(JsonBody.bool(body, "dry_run", false));
        String maxUnused = JsonBody.string(body, "max_unused");
        if (maxUnused != null) {
            o = o.withMaxUnused(GcSettings.maxUnused("max_unused", maxUnused));
        }
        String fenceAfter = JsonBody.string(body, "fence_after");
        if (fenceAfter != null) {
            o = o.withFenceAfter(GcSettings.fenceAfter("fence_after", fenceAfter));
        }
        return o;
    }
}
