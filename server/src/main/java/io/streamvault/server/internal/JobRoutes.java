package io.streamvault.server.internal;

import io.streamvault.server.JobView;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Backup jobs (role read): {@code GET /jobs} lists the running and recent ones with their progress,
 * the newest first. The views come from the server's supplier (the pipeline's job topics, in
 * {@code serve}), asked on the worker pool since it may wait on Kafka; a server without one shows
 * none.
 */
final class JobRoutes {
    private final Worker worker;
    private final Supplier<List<JobView>> jobs;

    /** @param jobs the jobs; null when the server has none */
    JobRoutes(Worker worker, Supplier<List<JobView>> jobs) {
        this.worker = worker;
        this.jobs = jobs == null ? List::of : jobs;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/jobs", Role.READ, this::list);
    }

    private void list(RoutingContext ctx) {
        worker.run(ctx, () -> {
            JsonArray all = new JsonArray();
            jobs.get().forEach(j -> all.add(json(j)));
            return new JsonObject().put("jobs", all);
        }, body -> Replies.ok(ctx, body));
    }

    static JsonObject json(JobView j) {
        return new JsonObject()
                .put("id", j.id())
                .put("state", j.state())
                .put("host", j.host())
                .put("path", j.path())
                .put("tags", new JsonArray(j.tags()))
                .put("started", text(j.started()))
                .put("updated", text(j.updated()))
                .put("ended", text(j.ended()))
                .put("files_done", j.filesDone())
                .put("files_total", j.filesTotal())
                .put("totals_final", j.totalsFinal())
                .put("bytes_read", j.bytesRead())
                .put("bytes_to_read", j.bytesToRead())
                .put("bytes_total", j.bytesTotal())
                .put("bytes_added", j.bytesAdded())
                .put("rate_bytes_per_s", j.rateBytesPerS())
                .put("eta_ms", j.etaMs())
                .put("snapshot", j.snapshot())
                .put("error", j.error());
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
