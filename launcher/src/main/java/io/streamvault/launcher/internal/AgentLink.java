package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The backup command's short way to a running agent of the same state directory: the job goes to
 * the agent over a local socket ({@code STATE/instances/N/agent.sock}, owner only), and the agent,
 * whose vault is open and whose Kafka clients are connected, submits and follows it. The command
 * then needs neither the password nor a Kafka client of its own: its start-up is a JVM and a
 * connection.
 *
 * <p>The protocol is lines of text. Request: {@code KEY BASE64} lines, then {@code end}. Reply:
 * {@code decline BASE64} (not this agent's vault or cluster: the command runs the job itself),
 * {@code job ID} (taken; {@code job gc} for a collection), {@code progress BASE64}, {@code note BASE64},
 * {@code out BASE64} (text for standard output), {@code error CODE BASE64}, and last {@code exit STATUS}.
 * A connection that closes before {@code job} counts as a decline; after it, as the agent stopping.
 */
public final class AgentLink {
    public static final String SOCKET = "agent.sock";

    private AgentLink() {
    }

    /** What an agent's {@code job} line names when it takes a gc request (no job id: a collection is no job). */
    static final String GC_JOB = "gc";

    /** The agent sockets of a state directory (stale ones included; connecting tells). */
    public static List<Path> sockets(Path stateDir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(stateDir.resolve("instances"))) {
            for (Path slot : slots) {
                Path s = slot.resolve(SOCKET);
                if (Files.exists(s)) {
                    out.add(s);
                }
            }
        } catch (IOException e) {
            // no instances directory: no agent
        }
        return out;
    }

    /** A vault URI in one form for comparison: local paths absolute and normalized. */
    public static String canonicalVault(String uri) {
        try {
            if (uri.startsWith("file:")) {
                return Path.of(URI.create(uri)).toAbsolutePath().normalize().toString();
            }
            if (!uri.contains("://")) {
                return Path.of(uri).toAbsolutePath().normalize().toString();
            }
        } catch (RuntimeException e) {
            // not a path: compared as given
        }
        return uri;
    }

    /** A request being written: one key and value per line. */
    public static final class Request {
        private final StringBuilder text = new StringBuilder();

        public Request put(String key, String value) {
            return put(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        public Request put(String key, byte[] value) {
            if (value != null) {
                text.append(key).append(' ').append(Base64.getEncoder().encodeToString(value)).append('\n');
            }
            return this;
        }

        /** The request as sent. */
        public String encoded() {
            return text + "end\n";
        }
    }

    /**
     * The request for a backup job: {@code vaultUri} as the command resolved it, {@code bootstrap}
     * the cluster it was told to use ("" for its state directory's broker), {@code settings} true
     * when it has settings of its own (which only a command running the job itself can apply).
     */
    public static Request backupRequest(String vaultUri, String bootstrap, boolean settings, BackupJob job, boolean json) {
        Request req = new Request()
                .put("command", "backup")
                .put("vault", canonicalVault(vaultUri))
                .put("bootstrap", bootstrap)
                .put("settings", settings ? "1" : "0")
                .put("root", job.root())
                .put("host", job.host())
                .put("user", Hosts.user())
                .put("parent", job.parent())
                .put("force", job.forceRead() ? "1" : "0")
                .put("retain", String.valueOf(job.retainSeconds()))
                .put("json", json ? "1" : "0")
                .put("start", String.valueOf(job.startMs()));
        for (String t : job.tags()) {
            req.put("tag", t);
        }
        for (String g : job.excludes()) {
            req.put("exclude", g);
        }
        if (job.changedDirs() != null) {
            req.put("narrowed", "1"); // so that an empty list is not a full walk
            for (byte[] d : job.changedDirs()) {
                req.put("changed", d);
            }
        }
        return req;
    }

    /**
     * The request for a garbage collection (the options of {@code gc}), handed over like a backup:
     * same vault, same cluster, no settings of its own.
     */
    public static Request gcRequest(String vaultUri, String bootstrap, boolean settings, String maxUnused,
            String fenceAfter, boolean dryRun, boolean json) {
        return new Request()
                .put("command", "gc")
                .put("vault", canonicalVault(vaultUri))
                .put("bootstrap", bootstrap)
                .put("settings", settings ? "1" : "0")
                .put("max_unused", maxUnused)
                .put("fence_after", fenceAfter)
                .put("dry_run", dryRun ? "1" : "0")
                .put("json", json ? "1" : "0");
    }

    /**
     * Hands a backup (or any request) to the first agent of {@code stateDir} that takes it, printing what it sends.
     * Returns the exit status, or null when no agent listens or every agent declined.
     */
    public static Integer backup(Path stateDir, Request request, PrintStream out, ProgressLine progress) {
        for (Path socket : sockets(stateDir)) {
            SocketChannel ch = connect(socket);
            if (ch == null) {
                continue; // a socket left by an agent that is gone
            }
            Timing.mark("agent connected");
            try (ch) {
                OutputStream os = Channels.newOutputStream(ch);
                os.write(request.encoded().getBytes(StandardCharsets.UTF_8));
                os.flush();
                Integer status = follow(new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.UTF_8)), out, progress);
                if (status != null) {
                    return status;
                }
            } catch (IOException e) {
                throw new FatalException(ErrorCode.IO_ERROR, "lost the connection to the agent at " + socket + ": "
                        + e.getMessage(), e);
            } finally {
                progress.clear();
            }
        }
        return null;
    }

    /** A connection to an agent's socket; null when no agent listens there. */
    static SocketChannel connect(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            } catch (IOException e) {
                ch.close();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** True when an agent listens on one of the sockets of {@code stateDir}. */
    public static boolean anyListening(Path stateDir) {
        for (Path socket : sockets(stateDir)) {
            try (SocketChannel ch = connect(socket)) {
                if (ch != null) {
                    return true;
                }
            } catch (IOException e) {
                // closing a connection we only opened
            }
        }
        return false;
    }

    /**
     * Sends {@code command} ({@link AgentServer#STATUS}, {@link AgentServer#STOP}) to the agent at
     * {@code socket}: the text it sends back, or null when no agent listens there; its refusal is
     * thrown (a {@link FatalException} with its code).
     */
    public static String control(Path socket, String command) {
        SocketChannel ch = connect(socket);
        if (ch == null) {
            return null;
        }
        try (ch) {
            OutputStream os = Channels.newOutputStream(ch);
            os.write(new Request().put("command", command).encoded().getBytes(StandardCharsets.UTF_8));
            os.flush();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            try (PrintStream p = new PrintStream(text, true, StandardCharsets.UTF_8)) {
                follow(new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)), p,
                        new ProgressLine(p, false));
            }
            return text.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // the agent went away meanwhile
        }
    }

    private static Integer follow(BufferedReader in, PrintStream out, ProgressLine progress) throws IOException {
        String job = null;
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split(" ", 3);
            switch (f[0]) {
                case "decline" -> {
                    return null;
                }
                case "job" -> job = f[1];
                case "progress" -> progress.show(text(f[1]));
                case "note" -> {
                    progress.clear();
                    System.err.println("streamvault: " + text(f[1]));
                }
                case "out" -> {
                    progress.clear();
                    out.print(text(f[1]));
                    out.flush();
                }
                case "error" -> throw new FatalException(code(f[1]), text(f[2]));
                case "exit" -> {
                    return Integer.parseInt(f[1]);
                }
                default -> throw new FatalException(ErrorCode.INTERNAL, "unexpected reply from the agent: " + f[0]);
            }
        }
        if (job == null) {
            return null; // closed before taking the job (it was stopping): as if it had declined
        }
        if (job.equals(GC_JOB)) {
            throw new FatalException(ErrorCode.JOB_FAILED, "the agent stopped during the garbage collection; run"
                    + " streamvault gc again: it finishes what this one began");
        }
        throw new FatalException(ErrorCode.JOB_FAILED, "the agent stopped while following job " + job + "; the job may"
                + " still complete (see streamvault snapshots), or run the backup again");
    }

    static String text(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static ErrorCode code(String id) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return ErrorCode.INTERNAL;
    }
}
