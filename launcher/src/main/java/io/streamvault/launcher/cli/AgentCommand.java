package io.streamvault.launcher.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.metrics.Meters;
import io.streamvault.copier.Copier;
import io.streamvault.copier.CopyMeters;
import io.streamvault.launcher.internal.AgentControl;
import io.streamvault.launcher.internal.AgentGc;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.AgentServer;
import io.streamvault.launcher.internal.AgentStarter;
import io.streamvault.launcher.internal.ClusterWatch;
import io.streamvault.launcher.internal.CopyRole;
import io.streamvault.launcher.internal.CopyTarget;
import io.streamvault.launcher.internal.InstanceSlot;
import io.streamvault.launcher.internal.JobClient;
import io.streamvault.launcher.internal.MetricsEndpoint;
import io.streamvault.launcher.internal.Pipeline;
import io.streamvault.launcher.internal.PlanRunner;
import io.streamvault.launcher.internal.Roles;
import io.streamvault.launcher.internal.Telemetry;
import io.streamvault.launcher.internal.Timing;
import io.streamvault.maintenance.GcMeters;
import io.streamvault.plans.PlanStore;
import io.streamvault.scheduler.Scheduler;
import io.streamvault.vault.Retentions;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamvault agent}: a long-running worker process on a node that mounts the file system.
 * It runs the chosen roles in the consumer groups every other agent and backup command share,
 * until SIGTERM. Without {@code --bootstrap-servers} it runs (or joins) the embedded broker of its
 * state directory, so backups on this machine find a warm pipeline. With {@code --metrics HOST:PORT} it
 * serves what its roles count at {@code GET /metrics} (docs/metrics.md).
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run worker roles as a long-running process until stopped.")
public final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--roles", paramLabel = "ROLE,...", defaultValue = "all",
            description = "Roles to run: scanner, chunker, dedup, uploader, catalog, scheduler (runs backup plans),"
                    + " or all (default).")
    String roles;

    @Option(names = "--copy-to", paramLabel = "URI", description = "Also run the copier role: keep a copy of the vault"
            + " at URI up to date (credentials: STREAMVAULT_COPY_AZURE_* or --copy-to-credentials; docs/copies.md).")
    String copyTo;

    @Option(names = "--copy-to-credentials", paramLabel = "FILE", description = "The copy target's Azure variables,"
            + " NAME=VALUE lines.")
    Path copyCredentials;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve this agent's metrics at"
            + " http://HOST:PORT/metrics in the Prometheus text format, without a token (bind an address only the"
            + " scraper reaches, such as 127.0.0.1:9464; port 0: any free one; docs/metrics.md). Default: off.")
    String metrics;

    @Option(names = "--mirror-deletes", description = "The copier deletes on the target the snapshots deleted on the"
            + " source (never one the target's lock protects).")
    boolean mirrorDeletes;

    @Option(names = "--status", description = "Say which agents of the state directory run (instance, pid, roles,"
            + " vault, whether busy, how long idle, jobs served), then exit.")
    boolean status;

    @Option(names = "--stop", description = "Stop the agents of the state directory (each lets its jobs' work commit"
            + " and leaves its groups), then exit.")
    boolean stopAgents;

    @Option(names = "--json", description = "With --status or --stop: one JSON line per agent.")
    boolean json;

    @Option(names = "--idle-stop", paramLabel = "DURATION", description = "Stop after this long without a job handed"
            + " over by a local command (e.g. 30min, 2h). Default: run until stopped.")
    String idleStop;

    @Option(names = "--started-by-command", hidden = true, description = "Started by a backup command (said by --status).")
    boolean startedByCommand;

    @Override
    public Integer call() throws InterruptedException {
        Timing.mark("agent: command parsed");
        StreamVaultConfig config = common.longLivedConfig();
        if (status || stopAgents) {
            return AgentControl.run(config.stateDir(), stopAgents, json, System.out);
        }
        Duration idle = idleStop == null ? null : Retentions.parse(idleStop, "--idle-stop");
        if (idle != null && idle.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--idle-stop must be at least 1s (leave it out to run"
                    + " until stopped)");
        }
        boolean scheduling = roles.isBlank() || roles.equals("all") || List.of(roles.split(",")).stream()
                .anyMatch(r -> r.strip().equals(Scheduler.ROLE));
        boolean copying = copyTo != null || List.of(roles.split(",")).stream().anyMatch(r -> r.strip().equals(COPIER));
        if (copying && copyTo == null) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the copier role needs --copy-to URI");
        }
        String workers = String.join(",", List.of(roles.split(",")).stream().map(String::strip)
                .filter(r -> !r.equals(Scheduler.ROLE) && !r.equals(COPIER)).toList());
        var chosen = workers.isEmpty() ? Set.<String>of() : Roles.parse(workers);
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Telemetry telemetry = metrics == null ? null : new Telemetry();
        MeterRegistry meters = telemetry == null ? Meters.NONE : telemetry.registry();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void failed(String worker, Exception error) {
                LOG.error("{} stopped: {}", worker, error.getMessage());
                Meters.errors(meters, error instanceof StreamVaultException e ? e.code().id() : ErrorCode.INTERNAL.id())
                        .increment();
                failure.compareAndSet(null, error);
                stop.countDown();
            }
        };
        MetricsEndpoint endpoint = null;
        Vault vault;
        try {
            endpoint = telemetry == null ? null : MetricsEndpoint.start(metrics, telemetry);
            vault = common.openVault(config, true);
            Timing.mark("agent: vault opened");
        } catch (RuntimeException e) {
            if (endpoint != null) {
                endpoint.close();
            }
            if (telemetry != null) {
                telemetry.close();
            }
            throw e;
        }
        Pipeline pipeline = null;
        InstanceSlot slot = null;
        Roles running = null;
        JobClient client = null;
        AgentServer server = null;
        Scheduler scheduler = null;
        AgentGc collector = null;
        Thread copier = null;
        ClusterWatch watch = null;
        try {
            pipeline = Pipeline.connect(config, vault);
            Timing.mark("agent: cluster connected");
            if (startedByCommand && config.embeddedBroker() && !pipeline.ownsBroker()) {
                // It would lose its cluster when that process ends (a command that runs its job itself).
                System.err.println("streamvault: the embedded broker of " + config.stateDir() + " runs in another process;"
                        + " a background agent starts only where it can run it");
                return AgentStarter.EXIT_BROKER_ELSEWHERE;
            }
            slot = InstanceSlot.acquire(config.stateDir());
            String instance = slot.instanceId(config.getString(StreamVaultConfig.INSTANCE_ID));
            running = new Roles(pipeline, vault, slot, instance, listener, meters);
            running.start(chosen);
            Timing.mark("agent: roles started");
            if (!running.awaitReady(Duration.ofMinutes(2))) {
                throw new FatalException(ErrorCode.TIMEOUT, "the topologies did not start within 2 minutes");
            }
            Timing.mark("agent: topologies running");
            // Backup commands of this state directory hand their jobs to this agent (AgentLink).
            client = new JobClient(pipeline, instance);
            watch = new ClusterWatch(pipeline.admin(), pipeline.bootstrap());
            // gc commands and maintenance plans, with warm clients
            collector = new AgentGc(pipeline, vault, new GcMeters(meters));
            server = new AgentServer(slot.dir(), AgentLink.canonicalVault(common.vaultUri(config)),
                    config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS), vault, client, instance, () -> {
                        Exception f = failure.get();
                        return f == null ? null : new FatalException(ErrorCode.JOB_FAILED, "a worker of the agent stopped: "
                                + f.getMessage());
                    }, collector, meters, new AgentServer.Control(about(instance, chosen, scheduling, idle, config),
                            stop::countDown, brokerInUse(pipeline, instance, config), watch::status));
            CopyMeters copies = new CopyMeters(meters);
            if (scheduling) {
                scheduler = new Scheduler(pipeline.props(), pipeline.topics(), new PlanStore(vault),
                        new PlanRunner(pipeline, vault, instance, collector, copies), instance, schedulerSettings(config),
                        Clock.systemUTC(), meters).start();
            }
            if (copying) {
                copier = copierThread(config, pipeline, vault, instance, stop, copies);
                copier.start();
            }
            Thread hook = new Thread(() -> {
                signalled.set(true);
                stop.countDown();
                try {
                    done.await(90, TimeUnit.SECONDS); // let the workers commit and leave
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            if (endpoint != null) {
                System.out.println("agent " + instance + " metrics at http://" + metrics.substring(0, metrics.lastIndexOf(':'))
                        + ":" + endpoint.port() + MetricsEndpoint.PATH);
            }
            Timing.mark("agent: ready");
            System.out.println("agent " + instance + " ready: roles " + String.join(",", chosen)
                    + (scheduling ? (chosen.isEmpty() ? "" : ",") + Scheduler.ROLE : "")
                    + (copying ? "," + COPIER + " to " + copyTo : "") + " on "
                    + pipeline.bootstrap());
            System.out.flush();
            boolean waitingForOthers = false;
            while (!stop.await(1, TimeUnit.SECONDS)) {
                watch.tick();
                if (idle != null && server.idleMillis() >= idle.toMillis()) {
                    int others = pipeline.brokerUsersBesideMe();
                    if (others == 0) {
                        LOG.info("no job for {}: stopping (--idle-stop)", Retentions.format(idle));
                        break;
                    }
                    if (!waitingForOthers) {
                        LOG.info("no job for {}, but {} other processes use the broker this agent runs: not stopping"
                                + " while they do", Retentions.format(idle), others);
                    }
                    waitingForOthers = true;
                }
            }
            stopping(pipeline, server, config, signalled.get());
        } finally {
            if (copier != null) {
                copier.interrupt();
                copier.join(15_000);
            }
            if (scheduler != null) {
                scheduler.close();
            }
            if (server != null) {
                server.close();
            }
            if (collector != null) {
                collector.close();
            }
            if (client != null) {
                client.close();
            }
            if (watch != null) {
                watch.close(); // before its admin client closes (with the pipeline)
            }
            if (running != null) {
                running.close();
            }
            if (slot != null) {
                slot.close();
            }
            if (pipeline != null) {
                pipeline.close();
            }
            vault.close();
            if (endpoint != null) {
                endpoint.close();
            }
            if (telemetry != null) {
                telemetry.close();
            }
            done.countDown();
        }
        Exception f = failure.get();
        if (f != null) {
            throw f instanceof FatalException fe ? fe : new FatalException(ErrorCode.INTERNAL, "a worker stopped: " + f, f);
        }
        return 0;
    }

    /**
     * Before the agent closes: a command that comes now waits until this agent is gone, then starts
     * another (the start lock); every command already connected is served to its end; and a process
     * that joined the broker meanwhile is waited for. On SIGTERM (the JVM gives the shutdown 90 s)
     * the serving is bounded and nothing else is waited for.
     */
    private static void stopping(Pipeline pipeline, AgentServer server, StreamVaultConfig config, boolean signalled)
            throws InterruptedException {
        if (signalled) {
            server.drain(Duration.ofSeconds(60));
            return;
        }
        AgentStarter.holdStartLock(config.stateDir());
        server.drain(null);
        boolean said = false;
        while (pipeline.brokerUsersBesideMe() > 0) {
            if (!said) {
                LOG.info("waiting for the processes that joined the broker this agent runs to end before stopping");
                said = true;
            }
            Thread.sleep(1000);
        }
    }

    /** Why {@code agent --stop} must not stop this agent now, or null. */
    private static Supplier<String> brokerInUse(Pipeline pipeline, String instance, StreamVaultConfig config) {
        return () -> {
            int others = pipeline.brokerUsersBesideMe();
            return others == 0 ? null : "agent " + instance + " runs the embedded broker of " + config.stateDir()
                    + ", which " + others + " other processes use (agents, serve, copy or commands): stop those first";
        };
    }

    /** What {@code agent --status} shows of this agent (besides what its socket's server counts). */
    private Map<String, Object> about(String instance, Set<String> chosen, boolean scheduling, Duration idle,
            StreamVaultConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", instance);
        List<String> all = new ArrayList<>(chosen);
        if (scheduling) {
            all.add(Scheduler.ROLE);
        }
        if (copyTo != null) {
            all.add(COPIER);
        }
        m.put("roles", all);
        m.put("vault", AgentLink.canonicalVault(common.vaultUri(config)));
        String bootstrap = config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS);
        m.put("cluster", bootstrap.isEmpty() ? "embedded" : bootstrap);
        m.put("started", Instant.now().toString());
        m.put("started_by", startedByCommand ? "command" : "user");
        m.put("idle_stop_s", idle == null ? 0 : idle.toSeconds());
        return m;
    }

    /** The copier role's name in {@code --roles}. */
    static final String COPIER = "copier";

    /**
     * The copier role: catches the target up, then follows the vault's events; after a failure (the
     * target away longer than its retries) it starts again a little later.
     */
    private Thread copierThread(StreamVaultConfig config, Pipeline pipeline, Vault vault, String instance,
            CountDownLatch stop, CopyMeters copies) {
        Thread t = new Thread(() -> {
            while (stop.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
                try (Vault target = vault.openCopy(CopyTarget.open(copyTo, copyCredentials))) {
                    Copier c = new Copier(vault, target, new Copier.Options(mirrorDeletes), copies);
                    c.catchUp();
                    CopyRole.follow(config, pipeline.props(), pipeline.topics(), pipeline.topics().vaultEvents.name(), c,
                            target, instance, false, () -> stop.getCount() == 0 || Thread.currentThread().isInterrupted());
                } catch (RuntimeException e) {
                    if (stop.getCount() == 0) {
                        return;
                    }
                    LOG.error("copier to {} failed ({}); it starts again in 10 s", copyTo, e.getMessage());
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "copier");
        t.setDaemon(true);
        return t;
    }

    static Scheduler.Settings schedulerSettings(StreamVaultConfig c) {
        return new Scheduler.Settings(Duration.ofMillis(c.getLong(StreamVaultConfig.SCHEDULER_REFRESH_MS)),
                c.getInt(StreamVaultConfig.SCHEDULER_ATTEMPTS), Duration.ofMillis(c.getLong(StreamVaultConfig.SCHEDULER_BACKOFF_MS)),
                Duration.ofMillis(c.getLong(StreamVaultConfig.SCHEDULER_SETTLE_MS)));
    }
}
