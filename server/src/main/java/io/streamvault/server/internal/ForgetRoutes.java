package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.Forget;
import io.streamvault.maintenance.Reports;
import io.streamvault.maintenance.Stats;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgetting snapshots (role admin): {@code DELETE /snapshots/{id}} and {@code POST /forget} (a
 * retention policy or ids). Both answer the plan as {@code streamvault forget --json} prints it. A
 * forget that would remove every snapshot of a group is refused with {@link ErrorCode#CONFLICT}
 * unless the request allows it: the request is well formed, the vault's state is what stands in
 * its way. The data is freed by garbage collection ({@code POST /gc}).
 */
final class ForgetRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ForgetRoutes.class);
    private static final Set<String> DELETE_PARAMS = Set.of("allow_remove_all", "dry_run", "bypass_governance");
    private final Browser browser;
    private final Worker worker;

    ForgetRoutes(Browser browser, Worker worker) {
        this.browser = browser;
        this.worker = worker;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.DELETE, "/snapshots/{id}", Role.ADMIN, this::delete);
        routes.add(HttpMethod.POST, "/forget", Role.ADMIN, this::forget);
    }

    private void delete(RoutingContext ctx) {
        String id = Params.named(ctx.pathParam("id"), "the snapshot");
        Params.onlyKnownParams(ctx, DELETE_PARAMS);
        boolean allowRemoveAll = Params.boolParam(ctx, "allow_remove_all", false);
        boolean dryRun = Params.boolParam(ctx, "dry_run", false);
        boolean bypass = bypass(ctx, Params.boolParam(ctx, "bypass_governance", false));
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> run(snaps -> Forget.byIds(browser.vault(), snaps, List.of(id), bypass), allowRemoveAll,
                "?allow_remove_all=true", dryRun, bypass, who), body -> Replies.ok(ctx, body));
    }

    /** A governance bypass needs a token of role governance: FORBIDDEN otherwise. */
    private static boolean bypass(RoutingContext ctx, boolean asked) {
        if (asked && !Access.who(ctx).role().allows(Role.GOVERNANCE)) {
            throw new FatalException(ErrorCode.FORBIDDEN, "bypass_governance needs a token of role "
                    + Role.GOVERNANCE.id() + "; this one is " + Access.who(ctx).role().id());
        }
        return asked;
    }

    private void forget(RoutingContext ctx) {
        JsonObject json = JsonBody.object(ctx, false);
        String who = Access.who(ctx).name();
        worker.run(ctx, () -> {
            ForgetRequest req = ForgetRequest.parse(json);
            boolean bypass = bypass(ctx, req.bypassGovernance());
            Function<List<SnapshotRef>, Forget.Plan> planner = req.ids() != null
                    ? snaps -> Forget.byIds(browser.vault(), snaps, req.ids(), bypass)
                    : snaps -> Forget.byPolicy(browser.vault(), snaps, req.policy(), bypass);
            return run(planner, req.allowRemoveAll(), "\"allow_remove_all\": true", req.dryRun(), bypass, who);
        }, body -> Replies.ok(ctx, body));
    }

    /** Plans, refuses to empty a group unless allowed, predicts the bytes freed, removes unless dry. */
    private JsonObject run(Function<List<SnapshotRef>, Forget.Plan> planner, boolean allowRemoveAll, String allowHint,
            boolean dryRun, boolean bypass, String who) {
        Vault vault = browser.vault();
        Stats stats = Stats.load(vault, 8, () -> { });
        Forget.Plan plan = planner.apply(stats.snapshots());
        if (!plan.groupsRemovedWhole().isEmpty() && !allowRemoveAll) {
            throw new FatalException(ErrorCode.CONFLICT, "this would remove every snapshot of "
                    + String.join("; ", plan.groupsRemovedWhole()) + ": give " + allowHint + " if that is meant");
        }
        long freed = stats.freedBy(plan.removedIds());
        if (!dryRun) {
            Forget.remove(vault, plan.removedIds(), bypass);
            LOG.info("forget by {}: removed {} snapshots {}", who, plan.removedIds().size(), plan.removedIds());
        }
        return JsonForms.of(Reports.forget(plan, dryRun, freed, null));
    }
}
