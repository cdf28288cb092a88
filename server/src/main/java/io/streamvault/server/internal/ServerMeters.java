package io.streamvault.server.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamvault.common.metrics.CopyLagGauges;
import io.streamvault.common.metrics.Meters;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.maintenance.CopyLag;
import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanRun;
import io.streamvault.plans.PlanStatus;
import io.streamvault.plans.PlanStore;
import io.streamvault.server.ApiServer;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.VaultListing;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server counts (docs/metrics.md): every request by route, method and status, and the
 * errors by code ({@link HttpErrors} marks them); and, read on a thread of its own at intervals
 * rather than at each scrape, the vault's stored capacity (a listing), the lag of copies and the
 * status of plans (over the cluster).
 */
public final class ServerMeters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerMeters.class);
    /** The request's route in OpenAPI form, put by the router when a route takes the request. */
    static final String ROUTE = "sv.route";
    /** The error code of a request answered with an error, put by {@link HttpErrors#send}. */
    static final String ERROR = "sv.error";
    /** The route label of a request no route took (refused before one: no token, no such path). */
    static final String NO_ROUTE = "none";
    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
    private final MeterRegistry registry;
    private final Supplier<String> text;
    private final ScheduledExecutorService refresher;
    private final Map<ObjectKind, long[]> stored = new EnumMap<>(ObjectKind.class);
    private final Map<String, PlanStatus> plans = new HashMap<>();
    private final Map<String, List<Meter>> planMeters = new HashMap<>();

    private ServerMeters(MeterRegistry registry, Supplier<String> text, ScheduledExecutorService refresher) {
        this.registry = registry;
        this.text = text;
        this.refresher = refresher;
    }

    /** Meters that count nothing and serve nothing. */
    static ServerMeters none() {
        return new ServerMeters(Meters.NONE, null, null);
    }

    /** The meters of {@code metrics} (none when null), their refreshes started. */
    public static ServerMeters of(ApiServer.Metrics metrics, Browser browser, Supplier<List<CopyLag>> copyLags) {
        if (metrics == null) {
            return none();
        }
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("sv-metrics"));
        ServerMeters m = new ServerMeters(metrics.registry(), metrics.text(), refresher);
        refresher.scheduleWithFixedDelay(() -> m.measureCapacity(browser), 0, metrics.capacityRefresh().toMillis(),
                TimeUnit.MILLISECONDS);
        CopyLagGauges lags = new CopyLagGauges(metrics.registry());
        refresher.scheduleWithFixedDelay(() -> {
            if (copyLags != null) {
                m.readLags(copyLags, lags);
            }
            m.readPlans(browser, metrics);
        }, 0, metrics.refresh().toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter of the process in the Prometheus text format; null when the server serves none. */
    String text() {
        return text == null ? null : text.get();
    }

    /** The router's first handler: times the request and, when it ends, counts it (and its error code). */
    void time(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(v -> {
            String route = ctx.get(ROUTE);
            HttpMethod method = ctx.request().method();
            Timer.builder("streamvault.http.requests").description("HTTP requests the server answered, by route (in"
                    + " OpenAPI form; none: refused before a route took it), method and status.")
                    .tag("route", route == null ? NO_ROUTE : route)
                    .tag("method", METHODS.contains(method) ? method.name() : "other")
                    .tag("status", Integer.toString(ctx.response().getStatusCode()))
                    .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            String code = ctx.get(ERROR);
            if (code != null) {
                Meters.errors(registry, code).increment();
            }
        });
        ctx.next();
    }

    /** Lists the vault: the stored bytes and objects of each kind. */
    private void measureCapacity(Browser browser) {
        try {
            for (ObjectKind k : ObjectKind.values()) {
                VaultListing l = browser.vault().list(k);
                long[] v = {l.bytes(), l.objects().size()};
                synchronized (stored) {
                    if (stored.put(k, v) == null) {
                        String kind = k.name().toLowerCase(Locale.ROOT);
                        Gauge.builder("streamvault.vault.stored", stored, s -> value(k, 0)).baseUnit("bytes")
                                .description("The bytes of the vault's objects as the storage reports them, by kind,"
                                        + " when last listed: what capacity billing counts.").tag("kind", kind)
                                .register(registry);
                        Gauge.builder("streamvault.vault.objects", stored, s -> value(k, 1)).description("The vault's"
                                + " objects, by kind, when last listed.").tag("kind", kind).register(registry);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("the vault's capacity was not measured: {}", e.getMessage());
        }
    }

    private double value(ObjectKind k, int i) {
        synchronized (stored) {
            return stored.get(k)[i];
        }
    }

    private void readLags(Supplier<List<CopyLag>> copyLags, CopyLagGauges lags) {
        try {
            for (CopyLag l : copyLags.get()) {
                lags.measured(l.target(), l.atMs(), l.objects(), l.bytes(), l.snapshots(), l.seconds());
            }
        } catch (RuntimeException e) {
            LOG.warn("the lag of copies was not read: {}", e.getMessage());
        }
    }

    /** The status of every plan: a plan that is gone loses its gauges. */
    private void readPlans(Browser browser, ApiServer.Metrics metrics) {
        Map<String, Plan> now;
        try {
            now = new PlanStore(browser.vault()).load();
        } catch (RuntimeException e) {
            LOG.warn("the plans' status was not read: {}", e.getMessage());
            return;
        }
        Instant at = Instant.now();
        for (Plan p : now.values()) {
            List<PlanRun> runs;
            try {
                runs = metrics.planRuns().apply(p.name());
            } catch (RuntimeException e) {
                LOG.warn("the runs of the plans were not read: {}", e.getMessage());
                return; // the schedulers are away: the next round asks again
            }
            PlanStatus s = PlanStatus.of(p, runs, at);
            synchronized (plans) {
                if (plans.put(p.name(), s) == null) {
                    planMeters.put(p.name(), planGauges(p.name()));
                }
            }
        }
        synchronized (plans) {
            for (String gone : List.copyOf(plans.keySet())) {
                if (!now.containsKey(gone)) {
                    plans.remove(gone);
                    planMeters.remove(gone).forEach(registry::remove);
                }
            }
        }
    }

    private List<Meter> planGauges(String plan) {
        return List.of(
                Gauge.builder("streamvault.plan.overdue", plans, p -> status(plan, s -> s.overdue() ? 1 : 0))
                        .description("1 when the plan has a schedule, is not paused, and has had no successful run"
                                + " within twice its period (what plan list flags), else 0.").tag("plan", plan)
                        .register(registry),
                Gauge.builder("streamvault.plan.last.run.failed", plans, p -> status(plan,
                        s -> s.last() != null && s.last().state() == PlanRun.State.FAILED ? 1 : 0))
                        .description("1 when the plan's latest run failed, else 0.").tag("plan", plan)
                        .register(registry),
                Gauge.builder("streamvault.plan.last.success", plans, p -> status(plan,
                        s -> s.lastSuccess() == null ? Double.NaN : s.lastSuccess().endMs() / 1000.0))
                        .baseUnit("timestamp_seconds").description("When the plan's latest successful run ended"
                                + " (seconds since the epoch; NaN: none yet).").tag("plan", plan)
                        .register(registry));
    }

    private double status(String plan, ToDoubleFunction<PlanStatus> f) {
        synchronized (plans) {
            PlanStatus s = plans.get(plan);
            return s == null ? Double.NaN : f.applyAsDouble(s);
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
