package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.Cached;
import io.streamvault.launcher.internal.CopyLink;
import io.streamvault.launcher.internal.GcSession;
import io.streamvault.launcher.internal.JobWatch;
import io.streamvault.launcher.internal.LazyPlanControl;
import io.streamvault.launcher.internal.Telemetry;
import io.streamvault.maintenance.Capacity;
import io.streamvault.plans.PlanStatus;
import io.streamvault.server.ApiServer;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamvault serve}: the HTTP API over one vault, until stopped (SIGINT/SIGTERM). A garbage
 * collection started over the API connects to the vault's pipeline for its run, as
 * {@code streamvault gc} does ({@link GcSession}); the plan routes reach the schedulers over the
 * pipeline too, connected when first needed ({@link LazyPlanControl}), so the server starts without
 * a broker; the lag of copies is read from the {@code copy-status} topic at each request, as
 * {@code stats} reads it ({@link CopyLink}). Its metrics are served at {@code /metrics} (docs/metrics.md).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the HTTP API (browse, download, restore jobs, forget, gc, plans, stats, copies, metrics) for a "
                + "vault.")
public final class ServeCommand implements Callable<Integer> {
    /** How long the copies' lag is shown before it is read again (each read opens the pipeline). */
    static final Duration COPY_LAGS_FOR = Duration.ofSeconds(10);

    @Mixin
    CommonOptions common;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8420",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; port 0: any free port).")
    String listen;

    @Option(names = "--tokens-file", paramLabel = "FILE", required = true,
            description = "Accepted bearer tokens, one per line: ROLE TOKEN [NAME], ROLE read, restore or admin.")
    Path tokensFile;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PEM).")
    Path tlsKey;

    @Option(names = "--restore-root", paramLabel = "DIR",
            description = "Restore jobs may only write under DIR (repeatable; default: anywhere the server may write).")
    List<Path> restoreRoots = new ArrayList<>();

    @Option(names = "--concurrent-restores", paramLabel = "N", defaultValue = "2",
            description = "Restore jobs that run at once (default: ${DEFAULT-VALUE}).")
    int concurrentRestores;

    @Override
    public Integer call() throws InterruptedException {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--listen wants HOST:PORT, not " + listen);
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--listen wants HOST:PORT, not " + listen);
        }
        if (concurrentRestores < 1) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--concurrent-restores must be at least 1");
        }
        List<Path> roots = restoreRoots.stream().map(Path::toAbsolutePath).toList();
        StreamVaultConfig config = common.longLivedConfig();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Telemetry telemetry = new Telemetry();
                Vault vault = common.openVault(config, false);
                LazyPlanControl plans = new LazyPlanControl(config, vault);
                JobWatch jobs = new JobWatch(config, vault);
                ApiServer server = ApiServer.start(vault, new ApiServer.Options(host, port, tokensFile, tlsCert, tlsKey,
                        roots, concurrentRestores, 8).withGcCoordinators(() -> GcSession.openCoordinator(config, vault))
                        .withPlanControl(plans).withCopyLags(new Cached<>(() -> CopyLink.lags(config, vault), COPY_LAGS_FOR))
                        .withJobs(jobs).withPrice(Capacity.Price.of(config))
                        .withMetrics(metrics(config, telemetry, plans)))) {
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sv-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("serving " + (server.tls() ? "https" : "http") + "://" + host + ":" + server.port()
                    + "/api/v1 for the vault at " + vault.location());
            System.out.flush();
            stop.await();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /**
     * What {@code GET /metrics} serves. The plans' status reads their runs over the cluster only where one
     * runs for the vault: not to start the embedded broker just to look (no agent here: no scheduler either).
     */
    private static ApiServer.Metrics metrics(StreamVaultConfig config, Telemetry telemetry, LazyPlanControl plans) {
        return new ApiServer.Metrics(telemetry.registry(), telemetry::scrape,
                Duration.ofMillis(config.getLong(StreamVaultConfig.METRICS_REFRESH_MS)),
                Duration.ofMillis(config.getLong(StreamVaultConfig.METRICS_CAPACITY_REFRESH_MS)),
                plan -> config.embeddedBroker() && AgentLink.sockets(config.stateDir()).isEmpty() ? List.of()
                        : plans.runs(plan, PlanStatus.RUNS));
    }
}
