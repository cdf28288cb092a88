package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.SnapshotRef;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;

/** Restore jobs: {@code POST /restores}, {@code GET /restores}, {@code GET} and {@code DELETE /restores/{id}}. */
final class RestoreRoutes {
    private final Browser browser;
    private final RestoreJobs jobs;
    private final Worker worker;
    private final RestoreRoots roots;

    RestoreRoutes(Browser browser, RestoreJobs jobs, Worker worker, RestoreRoots roots) {
        this.browser = browser;
        this.jobs = jobs;
        this.worker = worker;
        this.roots = roots;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.POST, "/restores", Role.RESTORE, this::create);
        routes.add(HttpMethod.GET, "/restores", Role.RESTORE, this::list);
        routes.add(HttpMethod.GET, "/restores/{id}", Role.RESTORE, this::get);
        routes.add(HttpMethod.DELETE, "/restores/{id}", Role.RESTORE, this::cancel);
    }

    private void create(RoutingContext ctx) {
        JsonObject json = JsonBody.object(ctx, false);
        String owner = Access.who(ctx).name();
        worker.run(ctx, () -> {
            RestoreRequest req = RestoreRequest.parse(json);
            SnapshotRef ref = browser.snapshot(req.snapshot());
            requirePath(ref, req.options().path());
            Path dest = RawPaths.of(req.inPlace() ? ref.snapshot().path() : req.target());
            if (!dest.isAbsolute()) {
                throw Params.invalid("the target \"" + RawPaths.display(dest) + "\" is not an absolute path");
            }
            return jobs.submit(ref, roots.place(dest), req.options(), owner);
        }, job -> Replies.accepted(ctx, Api.BASE + "/restores/" + job.id(), job.json()));
    }

    /** A "path" that names nothing in the snapshot is an error now, not a job that restores nothing. */
    private void requirePath(SnapshotRef ref, byte[] path) {
        if (path.length == 0) {
            return;
        }
        try {
            browser.resolve(ref, RawPaths.splitRelative(path));
        } catch (FatalException e) {
            if (e.code() != ErrorCode.PATH_NOT_FOUND) {
                throw e;
            }
            throw new FatalException(ErrorCode.PATH_NOT_FOUND, "\"path\": " + e.getMessage() + " (a path is relative to"
                    + " the backed-up directory, " + RawPaths.display(ref.snapshot().path()) + ")", e);
        }
    }

    private void list(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (RestoreJobs.Job j : jobs.list()) {
            out.add(j.json());
        }
        Replies.ok(ctx, new JsonObject().put("restores", out));
    }

    private void get(RoutingContext ctx) {
        Replies.ok(ctx, jobs.get(ctx.pathParam("id")).json());
    }

    private void cancel(RoutingContext ctx) {
        Replies.ok(ctx, jobs.cancel(ctx.pathParam("id")).json());
    }
}
