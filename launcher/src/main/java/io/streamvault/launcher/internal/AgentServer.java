package io.streamvault.launcher.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.metrics.Meters;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcSettings;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of {@link AgentLink}: listens on its slot's socket (owner only) and runs the
 * backups handed to it, one at a time, with the agent's open vault and warm job client. A request
 * for another vault or cluster, or with settings of its own, is declined and the command runs the
 * job itself. {@code agent --status} and {@code agent --stop} reach the agent the same way ({@link
 * Control}); the agent is idle ({@link #idleMillis}) while no command's job or collection runs here.
 */
public final class AgentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
    /**
     * How long a connected command may take to send its request. A command sends it at once; one
     * that connected and sent nothing (stopped, or not a command at all) is cut off after this, so
     * that it holds no thread, and no stop of the agent waits for it ({@link #drain}).
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private final Duration requestTimeout;
    /** Cuts off commands that send no request; its thread ends when no command is being read. */
    private final ScheduledThreadPoolExecutor cutOff = new ScheduledThreadPoolExecutor(1,
            DaemonThreads.named("agent-socket-timeout"));
    private final Path socket;
    private final ServerSocketChannel server;
    private final String vaultUri;
    private final String bootstrap;
    private final Vault vault;
    private final JobClient client;
    private final String instance;
    private final Supplier<RuntimeException> failure;
    private final AgentGc gc;
    private final MeterRegistry meters;
    private final Object oneJob = new Object();
    private final Control control;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closing;
    private final AtomicLong served = new AtomicLong();
    private volatile long lastActive = System.currentTimeMillis();

    /**
     * What the agent says of itself to {@code agent --status} (instance, roles, vault, ...; the server
     * adds pid, busy, idle and jobs; {@code health}, asked at each request, adds what is wrong now, such
     * as a cluster that does not answer), and how {@code agent --stop} stops it.
     */
    public record Control(Map<String, Object> about, Runnable stop, Supplier<String> refuseStop,
            Supplier<Map<String, Object>> health) {
    }

    /**
     * @param vaultUri the agent's vault, as {@link AgentLink#canonicalVault} gives it
     * @param bootstrap the cluster the agent was told to use ("" for its state directory's broker)
     * @param meters where the errors sent back to commands are counted, by code
     */
    public AgentServer(Path slotDir, String vaultUri, String bootstrap, Vault vault, JobClient client, String instance,
            Supplier<RuntimeException> failure, AgentGc gc, MeterRegistry meters, Control control) {
        this(slotDir, vaultUri, bootstrap, vault, client, instance, failure, gc, meters, control, REQUEST_TIMEOUT);
    }

    /** As above, with another time a command may take to send its request (tests). */
    AgentServer(Path slotDir, String vaultUri, String bootstrap, Vault vault, JobClient client, String instance,
            Supplier<RuntimeException> failure, AgentGc gc, MeterRegistry meters, Control control,
            Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        cutOff.setRemoveOnCancelPolicy(true);
        cutOff.setKeepAliveTime(1, TimeUnit.SECONDS);
        cutOff.allowCoreThreadTimeOut(true);
        this.gc = gc;
        this.control = control;
        this.meters = meters;
        this.socket = slotDir.resolve(AgentLink.SOCKET);
        this.vaultUri = vaultUri;
        this.bootstrap = bootstrap;
        this.vault = vault;
        this.client = client;
        this.instance = instance;
        this.failure = failure;
        try {
            Files.deleteIfExists(socket); // left by a previous life of this slot, which this process now holds
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        Thread t = new Thread(this::acceptLoop, "agent-socket");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet(); // counted before anything can stop the agent: see drain()
            if (closing) {
                // drain() may have counted no connection already: this one is not served (the command
                // sees it closed before a job was taken, which counts as declined)
                connections.decrementAndGet();
                try {
                    ch.close();
                } catch (IOException e) {
                    // closed anyway
                }
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    serve(ch);
                } finally {
                    connections.decrementAndGet();
                }
            }, "agent-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            OutputStream out = Channels.newOutputStream(ch);
            // A channel's streams have no read timeout: closing the channel ends a read that waits.
            ScheduledFuture<?> late;
            try {
                late = cutOff.schedule(() -> {
                    LOG.info("a local connection sent no request within {}: closed", requestTimeout);
                    closeQuietly(ch);
                }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return; // accepted as the agent closed: the command finds no agent and runs its job itself
            }
            Map<String, List<byte[]>> req;
            boolean cutOffFirst;
            try {
                req = read(new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)));
            } finally {
                cutOffFirst = !late.cancel(false);
            }
            if (cutOffFirst) {
                // The cut-off came as the request did: the connection is closed, and no job may start
                // for it (the command, seeing no job taken, runs its job itself).
                return;
            }
            Outbox box = new Outbox(out);
            try {
                String command = one(req, "command");
                if (req.isEmpty()) {
                    return; // a command that only checked that an agent listens
                }
                if (STATUS.equals(command)) {
                    box.send("out " + b64(status() + "\n"));
                    box.send("exit 0");
                    return;
                }
                if (STOP.equals(command)) {
                    String refused = control.refuseStop().get();
                    if (refused != null) {
                        box.send("error " + ErrorCode.STATE_LOCKED.id() + " " + b64(refused));
                        return;
                    }
                    LOG.info("stopping: asked by agent --stop");
                    box.send("exit 0");
                    control.stop().run();
                    return;
                }
                String decline = decline(req);
                if (decline != null) {
                    box.send("decline " + b64(decline));
                    return;
                }
                busy.incrementAndGet();
                served.incrementAndGet();
                try {
                    if ("gc".equals(command)) {
                        collect(req, box);
                    } else {
                        synchronized (oneJob) {
                            run(req, box);
                        }
                    }
                } catch (StreamVaultException e) {
                    Meters.errors(meters, e.code().id()).increment();
                    box.send("error " + e.code().id() + " " + b64(e.getMessage()));
                } catch (RuntimeException | Error e) { // (an Error, out of memory say: the command hears it too)
                    LOG.error("backup for a local command failed", e);
                    Meters.errors(meters, ErrorCode.INTERNAL.id()).increment();
                    box.send("error " + ErrorCode.INTERNAL.id() + " " + b64("internal error in the agent: " + e));
                    if (e instanceof Error error) {
                        throw error;
                    }
                } finally {
                    lastActive = System.currentTimeMillis();
                    busy.decrementAndGet();
                }
            } finally {
                box.close(() -> closing);
            }
        } catch (IOException e) {
            LOG.info("a local backup command went away: {}", e.toString());
        }
    }

    /** The request commands of {@code agent --status} and {@code agent --stop}. */
    public static final String STATUS = "status";
    public static final String STOP = "stop";

    /**
     * How long no command's job or collection has run here (0 while one runs). Jobs that reach the
     * agent's roles from elsewhere (a command of another node, a {@code --no-agent} command) do not
     * count: if the agent stops, their commands take its roles over.
     */
    public long idleMillis() {
        return busy.get() > 0 ? 0 : System.currentTimeMillis() - lastActive;
    }

    /**
     * Before the agent stops: no new connection is taken (the socket is gone, so a command that comes
     * now starts or finds another agent, or runs its job itself), and every command already connected
     * is served to its end (at most {@code atMost}; null: however long its job runs). Then the agent
     * may close its clients.
     */
    public void drain(Duration atMost) throws InterruptedException {
        closing = true;
        close();
        boolean said = false;
        long deadline = atMost == null ? Long.MAX_VALUE : System.nanoTime() + atMost.toNanos();
        while (connections.get() > 0 && System.nanoTime() < deadline) {
            if (!said && busy.get() > 0) {
                LOG.info("waiting for the running job of a local command to end before stopping");
                said = true;
            }
            Thread.sleep(100);
        }
    }

    /** One JSON line: what the agent says of itself, and what this server counts. */
    private String status() {
        ObjectNode n = new ObjectMapper().valueToTree(control.about());
        n.put("pid", ProcessHandle.current().pid());
        n.put("busy", busy.get() > 0);
        n.put("idle_ms", idleMillis());
        n.put("jobs", served.get());
        n.setAll((ObjectNode) new ObjectMapper().valueToTree(control.health().get()));
        return n.toString();
    }

    private void run(Map<String, List<byte[]>> req, Outbox out) {
        boolean json = "1".equals(one(req, "json"));
        BackupJob job = job(req);
        vault.locks().checkRetention(Duration.ofSeconds(job.retainSeconds()));
        Timing.mark("agent: backup asked");
        Optional<SnapshotRef> parent = Parents.choose(vault, job.root(), job.parent());
        Timing.mark("agent: parent chosen");
        long start = job.startMs();
        // (If the command went away, the job goes on.)
        JobStatus end = job.run(client, instance, parent, id -> out.send("job " + id), p -> out.progress("progress "
                + b64(ProgressLine.format(p, System.currentTimeMillis() - start))), failure);
        ServiceHold.afterBackup(vault, end.getSnapshot(), w -> {
            out.send("progress " + b64(w));
            LOG.warn(w);
        });
        Summary summary = new Summary(end, System.currentTimeMillis() - start);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            summary.write(p, json);
        }
        out.send("out " + Base64.getEncoder().encodeToString(text.toByteArray()));
        out.send("exit " + summary.exitStatus());
    }

    /** A collection for a local {@code gc} command (the request {@link AgentLink#gcRequest} writes). */
    private void collect(Map<String, List<byte[]>> req, Outbox out) {
        // Taken: if the connection closes from now on, the command says the agent stopped during the
        // collection (run gc again) instead of collecting a second time itself, as after a decline. (A
        // preview cut off is simply made again by the command.)
        boolean dryRun = "1".equals(one(req, "dry_run"));
        if (!dryRun) {
            out.send("job " + AgentLink.GC_JOB);
        }
        GarbageCollector.Options o = GarbageCollector.Options.defaults().withDryRun(dryRun);
        if (one(req, "max_unused") != null) {
            o = o.withMaxUnused(GcSettings.maxUnused("--max-unused", one(req, "max_unused")));
        }
        if (one(req, "fence_after") != null) {
            o = o.withFenceAfter(GcSettings.fenceAfter("--fence-after", one(req, "fence_after")));
        }
        GarbageCollector.Result r = gc.run(o, new GarbageCollector.Progress() {
            @Override
            public void update(String phase, long done, long total) {
                out.progress("progress " + b64(total > 0 ? phase + " " + done + "/" + total
                        : done > 0 ? phase + " " + done : phase));
            }

            @Override
            public void note(String text) {
                out.send("note " + b64(text)); // (the collection goes on if the command went away)
            }
        });
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            GcSummary.print(r, "1".equals(one(req, "json")), p);
        }
        out.send("out " + Base64.getEncoder().encodeToString(text.toByteArray()));
        out.send("exit 0");
    }

    private String decline(Map<String, List<byte[]>> req) {
        String command = one(req, "command");
        if ("gc".equals(command)) {
            if (gc == null) {
                return "this agent runs no collections";
            }
        } else if (!"backup".equals(command) || req.get("root") == null || one(req, "start") == null) {
            return "not a backup or gc request";
        }
        if (!vaultUri.equals(one(req, "vault"))) {
            return "this agent's vault is " + vaultUri;
        }
        if (!bootstrap.equals(String.valueOf(one(req, "bootstrap")))) {
            return "this agent's cluster is " + (bootstrap.isEmpty() ? "its state directory's broker" : bootstrap);
        }
        if ("1".equals(one(req, "settings"))) {
            return "the command has settings of its own";
        }
        return null;
    }

    /** The job a backup request asks for (the request as {@link AgentLink#backupRequest} writes it). */
    static BackupJob job(Map<String, List<byte[]>> req) {
        return new BackupJob(req.get("root").get(0), all(req, "tag"), all(req, "exclude"), one(req, "host"),
                one(req, "user"), one(req, "parent"), "1".equals(one(req, "force")), Long.parseLong(one(req, "start")),
                one(req, "retain") == null ? 0 : Long.parseLong(one(req, "retain")),
                "1".equals(one(req, "narrowed")) ? req.getOrDefault("changed", List.of()) : null);
    }

    static Map<String, List<byte[]>> read(BufferedReader in) throws IOException {
        Map<String, List<byte[]>> req = new HashMap<>();
        for (String line; (line = in.readLine()) != null && !line.equals("end"); ) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                try {
                    req.computeIfAbsent(line.substring(0, sp), k -> new ArrayList<>())
                            .add(Base64.getDecoder().decode(line.substring(sp + 1)));
                } catch (IllegalArgumentException e) {
                    // a malformed value is a missing one
                }
            }
        }
        return req;
    }

    private static String one(Map<String, List<byte[]>> req, String key) {
        List<byte[]> v = req.get(key);
        return v == null || v.isEmpty() ? null : new String(v.get(0), StandardCharsets.UTF_8);
    }

    /** Every value of a repeated key, as text. */
    private static List<String> all(Map<String, List<byte[]>> req, String key) {
        List<String> out = new ArrayList<>();
        for (byte[] v : req.getOrDefault(key, List.of())) {
            out.add(new String(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the socket file is replaced by the next life of this slot
        }
        cutOff.shutdown(); // cut-offs already set still come; its thread then ends
    }
}
