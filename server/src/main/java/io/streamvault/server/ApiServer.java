package io.streamvault.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.Capacity;
import io.streamvault.maintenance.CopyLag;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.maintenance.GcMeters;
import io.streamvault.plans.PlanControl;
import io.streamvault.plans.PlanRun;
import io.streamvault.server.internal.Api;
import io.streamvault.server.internal.Browser;
import io.streamvault.server.internal.GcJobs;
import io.streamvault.server.internal.HeaderDeadline;
import io.streamvault.server.internal.RestoreJobs;
import io.streamvault.server.internal.ServerMeters;
import io.streamvault.server.internal.Tokens;
import io.streamvault.vault.Vault;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP API ({@code streamvault serve}): browse snapshots, download files (with Range), run
 * restore jobs, forget snapshots, run garbage collections, manage backup plans, read statistics, the
 * stored capacity with its history and each plan's share, the lag of the vault's copies, the lock and
 * the running backup jobs, and its metrics at {@code /metrics}; and the web console at
 * {@code /console/}, which uses only that API. Every request needs a bearer token from the tokens
 * file; TLS when given a certificate and key. The routes are documented in the OpenAPI document
 * served at {@code /api/v1/openapi.json}.
 */
public final class ApiServer implements AutoCloseable {
    /**
     * How the server runs: where it listens, its tokens, TLS, restore targets and threads, given to
     * the constructor; everything else (the ways to the pipeline, the price, the metrics, the limits)
     * added by the {@code with} methods, each of which answers a copy. Unset, each of those means
     * "none" as its method says.
     */
    public static final class Options {
        private final String host;
        private final int port;
        private final Path tokensFile;
        private final Path tlsCert;
        private final Path tlsKey;
        private final List<Path> restoreRoots;
        private final int concurrentRestores;
        private final int vaultThreads;
        private Supplier<GcCoordinator> gcCoordinators;
        private PlanControl planControl;
        private Supplier<List<CopyLag>> copyLags;
        private Supplier<List<JobView>> jobs;
        private Limits limits = Limits.DEFAULT;
        private Capacity.Price price = new Capacity.Price(0, "USD");
        private Metrics metrics;

        /**
         * @param host address to listen on
         * @param port port, 0 for any free one
         * @param tokensFile accepted tokens and their roles (see {@link Tokens})
         * @param tlsCert PEM certificate chain, or null for plain HTTP
         * @param tlsKey PEM private key, or null
         * @param restoreRoots when not empty, restore targets must lie under one of these directories
         * @param concurrentRestores restore jobs that run at once (others wait)
         * @param vaultThreads threads that read the vault for requests
         */
        public Options(String host, int port, Path tokensFile, Path tlsCert, Path tlsKey, List<Path> restoreRoots,
                int concurrentRestores, int vaultThreads) {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "TLS needs both a certificate and a key");
            }
            this.host = host;
            this.port = port;
            this.tokensFile = tokensFile;
            this.tlsCert = tlsCert;
            this.tlsKey = tlsKey;
            this.restoreRoots = List.copyOf(restoreRoots);
            this.concurrentRestores = concurrentRestores;
            this.vaultThreads = vaultThreads;
        }

        public static Options of(String host, int port, Path tokensFile) {
            return new Options(host, port, tokensFile, null, null, List.of(), 2, 8);
        }

        private Options copy() {
            Options o = new Options(host, port, tokensFile, tlsCert, tlsKey, restoreRoots, concurrentRestores, vaultThreads);
            o.gcCoordinators = gcCoordinators;
            o.planControl = planControl;
            o.copyLags = copyLags;
            o.jobs = jobs;
            o.limits = limits;
            o.price = price;
            o.metrics = metrics;
            return o;
        }

        /**
         * @param factory opens the coordinator of a garbage collection that is not a dry run (over the
         *     vault's pipeline), closed after the run; without one only dry runs are served
         */
        public Options withGcCoordinators(Supplier<GcCoordinator> factory) {
            Options o = copy();
            o.gcCoordinators = factory;
            return o;
        }

        /**
         * @param control the way to the agents' schedulers (runs of plans, manual runs, word of changes),
         *     which stays the caller's; without one plans are served with statuses from no runs, and
         *     their runs and run requests are refused
         */
        public Options withPlanControl(PlanControl control) {
            Options o = copy();
            o.planControl = control;
            return o;
        }

        /**
         * @param lags the lag of each copy of the vault as its copiers last measured it, called on a
         *     worker thread for each request (it may block); without it no copy is shown
         */
        public Options withCopyLags(Supplier<List<CopyLag>> lags) {
            Options o = copy();
            o.copyLags = lags;
            return o;
        }

        /**
         * @param views the running and recent backup jobs, called on a worker thread for each request
         *     (it may block); without it no job is shown
         */
        public Options withJobs(Supplier<List<JobView>> views) {
            Options o = copy();
            o.jobs = views;
            return o;
        }

        /** @param l timeouts against clients that hold connections, and the restore queue's bound (default {@link Limits#DEFAULT}) */
        public Options withLimits(Limits l) {
            Options o = copy();
            o.limits = l == null ? Limits.DEFAULT : l;
            return o;
        }

        /** @param p the price per GB-month of the capacity estimates ({@code GET /capacity}); default none (0) */
        public Options withPrice(Capacity.Price p) {
            Options o = copy();
            o.price = p == null ? new Capacity.Price(0, "USD") : p;
            return o;
        }

        /** @param m what the server counts and serves at {@code GET /metrics}; without it that route answers 404 */
        public Options withMetrics(Metrics m) {
            Options o = copy();
            o.metrics = m;
            return o;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }

        public Path tokensFile() {
            return tokensFile;
        }

        public Path tlsCert() {
            return tlsCert;
        }

        public Path tlsKey() {
            return tlsKey;
        }

        public List<Path> restoreRoots() {
            return restoreRoots;
        }

        public int concurrentRestores() {
            return concurrentRestores;
        }

        public int vaultThreads() {
            return vaultThreads;
        }

        public Supplier<GcCoordinator> gcCoordinators() {
            return gcCoordinators;
        }

        public PlanControl planControl() {
            return planControl;
        }

        public Supplier<List<CopyLag>> copyLags() {
            return copyLags;
        }

        public Supplier<List<JobView>> jobs() {
            return jobs;
        }

        public Limits limits() {
            return limits;
        }

        public Capacity.Price price() {
            return price;
        }

        public Metrics metrics() {
            return metrics;
        }
    }

    /**
     * The server's safety limits against clients that hold connections or fill its memory; the
     * defaults are the constants here.
     *
     * @param idleTimeout a connection on which nothing is read or written for this long is closed
     *     (a client that stopped reading a download, a stalled body); longer than any request takes
     *     to answer
     * @param headerTimeout a connection must send a whole request head (line and headers) within
     *     this long of opening or of its last response, or it is closed ({@link HeaderDeadline}):
     *     against clients that trickle their headers (slowloris); also ends idle keep-alive
     *     connections
     * @param maxQueuedRestores restore jobs that may wait for a runner; one more is refused with 429
     *     {@code queue_full} and a Retry-After (each job holds its request, up to the body limit)
     */
    public record Limits(Duration idleTimeout, Duration headerTimeout, int maxQueuedRestores) {
        public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
        public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(20);
        /** The request line: room for a path of PATH_MAX (4096) bytes, each percent-encoded. */
        public static final int MAX_REQUEST_LINE_BYTES = 16 << 10;
        /** All header lines together (Vert.x answers 431 beyond). */
        public static final int MAX_HEADER_BYTES = 8 << 10;
        public static final int MAX_QUEUED_RESTORES = 16;
        public static final Limits DEFAULT = new Limits(IDLE_TIMEOUT, HEADER_TIMEOUT, MAX_QUEUED_RESTORES);

        public Limits {
            if (idleTimeout.isNegative() || idleTimeout.isZero() || headerTimeout.isNegative() || headerTimeout.isZero()) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "server timeouts must be positive");
            }
            if (maxQueuedRestores < 0) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the restore queue's bound cannot be negative");
            }
        }
    }

    /**
     * What the server counts, and how it serves it at {@code GET /metrics} (docs/metrics.md).
     *
     * @param registry where the server counts (the process's)
     * @param text every meter of the process in the Prometheus text format, version 0.0.4
     * @param refresh how often the lag of copies and the status of plans are read again
     * @param capacityRefresh how often the vault is listed for its stored capacity
     * @param planRuns a plan's runs for its status (at most {@link io.streamvault.plans.PlanStatus#RUNS}),
     *     called on the server's metrics thread; empty when the schedulers cannot be reached cheaply
     */
    public record Metrics(MeterRegistry registry, Supplier<String> text, Duration refresh, Duration capacityRefresh,
            Function<String, List<PlanRun>> planRuns) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final RestoreJobs jobs;
    private final GcJobs gcJobs;
    private final WorkerExecutor worker;
    private final Api api;
    private final boolean tls;
    private final ServerMeters meters;

    private ApiServer(Vertx vertx, HttpServer server, RestoreJobs jobs, GcJobs gcJobs, WorkerExecutor worker, Api api,
            boolean tls, ServerMeters meters) {
        this.meters = meters;
        this.vertx = vertx;
        this.server = server;
        this.jobs = jobs;
        this.gcJobs = gcJobs;
        this.worker = worker;
        this.api = api;
        this.tls = tls;
    }

    /** Starts the server and returns once it listens. The vault stays the caller's. */
    public static ApiServer start(Vault vault, Options o) {
        Tokens tokens = Tokens.load(o.tokensFile());
        Browser browser = new Browser(vault);
        Vertx vertx = Vertx.vertx();
        ServerMeters meters = ServerMeters.of(o.metrics(), browser, o.copyLags());
        RestoreJobs jobs = new RestoreJobs(browser, o.concurrentRestores(), o.limits().maxQueuedRestores(),
                meters.registry());
        GcJobs gcJobs = new GcJobs(browser, o.gcCoordinators(), new GcMeters(meters.registry()));
        try {
            WorkerExecutor worker = vertx.createSharedWorkerExecutor("sv-api-vault", o.vaultThreads());
            Api api = new Api(browser, jobs, gcJobs, tokens, worker, o.restoreRoots(), o.planControl(),
                    o.copyLags(), o.jobs(), o.price(), meters);
            HttpServerOptions http = new HttpServerOptions().setHost(o.host()).setPort(o.port())
                    .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, o.limits().idleTimeout().toMillis()))
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setMaxInitialLineLength(Limits.MAX_REQUEST_LINE_BYTES)
                    .setMaxHeaderSize(Limits.MAX_HEADER_BYTES)
                    // HTTP/1.1 only: with the cleartext HTTP/2 upgrade on, Vert.x makes a connection
                    // (and calls its handler, the header deadline's start) only once it has read
                    // enough to tell the protocols apart, so a slow client was not timed
                    .setHttp2ClearTextEnabled(false);
            boolean tls = o.tlsCert() != null;
            if (tls) {
                http.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(o.tlsCert().toString()).setKeyPath(o.tlsKey().toString()));
            }
            HttpServer server;
            try {
                HeaderDeadline heads = new HeaderDeadline(vertx, o.limits().headerTimeout());
                Router router = api.router(vertx);
                server = vertx.createHttpServer(http).connectionHandler(heads::connected).requestHandler(req -> {
                    heads.started(req);
                    router.handle(req);
                }).listen().await();
            } catch (RuntimeException e) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "cannot listen on " + o.host() + ":" + o.port()
                        + (tls ? " with TLS" : "") + ": " + e.getMessage(), e);
            }
            return new ApiServer(vertx, server, jobs, gcJobs, worker, api, tls, meters);
        } catch (RuntimeException e) {
            jobs.close();
            gcJobs.close();
            meters.close();
            vertx.close();
            throw e;
        }
    }

    public int port() {
        return server.actualPort();
    }

    public boolean tls() {
        return tls;
    }

    /** Every served route as {METHOD, path in OpenAPI form, least role}, for checking the OpenAPI document. */
    public List<String[]> routes() {
        return api.routes().stream().map(r -> new String[] {r.method().name(), r.path(), r.role().id()}).toList();
    }

    @Override
    public void close() {
        try {
            server.close().await();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        jobs.close();
        gcJobs.close();
        meters.close();
        worker.close();
        vertx.close().await();
    }
}
