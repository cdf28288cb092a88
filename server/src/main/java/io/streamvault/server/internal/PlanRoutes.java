package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanControl;
import io.streamvault.plans.PlanEdit;
import io.streamvault.plans.PlanReports;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanStatus;
import io.streamvault.plans.PlanStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup plans (role admin), as the {@code plan} commands manage them and in their JSON forms
 * ({@link PlanReports}; docs/plans.md, HTTP): the definitions are read from and written to the vault
 * ({@link PlanStore}); the run history, manual runs and the word that a plan changed go through the
 * {@link PlanControl} the server was given (the launcher's, over the vault's Kafka pipeline). Without
 * one, statuses are computed from no runs, and a run or the history is {@link ErrorCode#UNSUPPORTED}.
 * Telling the schedulers of a change is best effort: they also read the vault's plans on their own
 * ({@code scheduler.refresh.ms}).
 */
final class PlanRoutes {
    static final int DEFAULT_RUNS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(PlanRoutes.class);
    private static final Set<String> DELETE_PARAMS = Set.of("dry_run");
    private static final Set<String> RUNS_PARAMS = Set.of("limit");
    private final Browser browser;
    private final Worker worker;
    private final PlanControl control;
    /** One write at a time through this server: "exists" and "save" of a creation are one step. */
    private final Object writes = new Object();

    /** @param control the way to the schedulers; null when the server has none */
    PlanRoutes(Browser browser, Worker worker, PlanControl control) {
        this.browser = browser;
        this.worker = worker;
        this.control = control;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/plans", Role.ADMIN, this::list);
        routes.add(HttpMethod.POST, "/plans", Role.ADMIN, this::create);
        routes.add(HttpMethod.GET, "/plans/{name}", Role.ADMIN, this::get);
        routes.add(HttpMethod.PATCH, "/plans/{name}", Role.ADMIN, this::edit);
        routes.add(HttpMethod.DELETE, "/plans/{name}", Role.ADMIN, this::delete);
        routes.add(HttpMethod.POST, "/plans/{name}/pause", Role.ADMIN, ctx -> pause(ctx, true));
        routes.add(HttpMethod.POST, "/plans/{name}/resume", Role.ADMIN, ctx -> pause(ctx, false));
        routes.add(HttpMethod.POST, "/plans/{name}/run", Role.ADMIN, this::run);
        routes.add(HttpMethod.GET, "/plans/{name}/runs", Role.ADMIN, this::runs);
    }

    private void list(RoutingContext ctx) {
        worker.run(ctx, () -> {
            Instant now = Instant.now();
            JsonArray out = new JsonArray();
            for (Plan p : store().load().values()) {
                out.add(withStatus(p, now));
            }
            return out;
        }, body -> Replies.ok(ctx, body));
    }

    private void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        worker.run(ctx, () -> withStatus(store().require(name), Instant.now()), body -> Replies.ok(ctx, body));
    }

    private void create(RoutingContext ctx) {
        JsonObject body = JsonBody.object(ctx, false);
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> {
            PlanEdit edit = PlanRequest.edit(body, true);
            String name = PlanRequest.name(body);
            synchronized (writes) {
                PlanStore store = store();
                if (store.get(name).isPresent()) {
                    throw new FatalException(ErrorCode.PLAN_EXISTS, "plan " + name + " exists; change it with PATCH "
                            + location(name));
                }
                long now = PlanStore.nowNs();
                return store.save(edit.create(name, now), now);
            }
        }, p -> {
            Replies.created(ctx, location(p.name()), form(p));
            changed(p.name(), "created", who);
        });
    }

    private void edit(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        JsonObject body = JsonBody.object(ctx, false);
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> {
            PlanEdit edit = PlanRequest.edit(body, false);
            synchronized (writes) {
                PlanStore store = store();
                return store.save(edit.applyTo(store.require(name)), PlanStore.nowNs());
            }
        }, p -> {
            Replies.ok(ctx, form(p));
            changed(p.name(), "changed", who);
        });
    }

    private void pause(RoutingContext ctx, boolean pause) {
        String name = ctx.pathParam("name");
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> {
            synchronized (writes) {
                PlanStore store = store();
                long now = PlanStore.nowNs();
                return store.save(store.require(name).withPaused(pause, now), now);
            }
        }, p -> {
            Replies.ok(ctx, form(p));
            changed(p.name(), pause ? "paused" : "resumed", who);
        });
    }

    private void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Params.onlyKnownParams(ctx, DELETE_PARAMS);
        boolean dryRun = Params.boolParam(ctx, "dry_run", false);
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> {
            synchronized (writes) {
                PlanStore store = store();
                Plan p = store.require(name);
                if (!dryRun) {
                    store.delete(p.name(), PlanStore.nowNs());
                }
                return p;
            }
        }, p -> {
            Replies.ok(ctx, new JsonObject().put(dryRun ? "would_delete" : "deleted", p.name()).put("dry_run", dryRun));
            if (!dryRun) {
                changed(p.name(), "deleted", who);
            }
        });
    }

    private void run(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> {
            store().require(name);
            String request = control().requestRun(name);
            LOG.info("plan {}: run requested by {} ({})", name, who, request);
            return request;
        }, request -> Replies.accepted(ctx, location(name) + "/runs", new JsonObject().put("request", request)));
    }

    private void runs(RoutingContext ctx) {
        String name = Plan.requireName(ctx.pathParam("name"));
        Params.onlyKnownParams(ctx, RUNS_PARAMS);
        int limit = Params.intParam(ctx, "limit", DEFAULT_RUNS, 1, PlanStatus.RUNS);
        worker.run(ctx, () -> JsonForms.of(PlanReports.runs(control().runs(name, limit))), body -> Replies.ok(ctx, body));
    }

    private PlanStore store() {
        return new PlanStore(browser.vault());
    }

    private JsonObject withStatus(Plan p, Instant now) {
        List<PlanRun> runs = control == null ? List.of() : control.runs(p.name(), PlanStatus.RUNS);
        return JsonForms.of(PlanReports.plan(p, PlanStatus.of(p, runs, now)));
    }

    /** A plan as written: its status (runs, next slot) is what {@code GET} adds. */
    private static JsonObject form(Plan p) {
        return JsonForms.of(PlanReports.plan(p, null));
    }

    private static String location(String name) {
        return Api.BASE + "/plans/" + name;
    }

    private PlanControl control() {
        if (control == null) {
            throw new FatalException(ErrorCode.UNSUPPORTED, "this server has no way to the agents' schedulers: it was"
                    + " started without the vault's Kafka pipeline. Run \"streamvault plan run\" or \"plan runs\" where"
                    + " the pipeline is");
        }
        return control;
    }

    /** Logs the write and tells the plan's scheduler, in the background; a failure is only logged. */
    private void changed(String name, String what, String who) {
        LOG.info("plan {} {} by {}", name, what, who);
        if (control == null) {
            return;
        }
        worker.call(() -> {
            control.changed(name);
            return null;
        }).onFailure(e -> LOG.warn("plan {} {}: the schedulers were not told now ({}); they read the vault's plans"
                + " on their own", name, what, e.toString()));
    }
}
