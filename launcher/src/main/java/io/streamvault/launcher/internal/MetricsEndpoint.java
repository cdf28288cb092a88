package io.streamvault.launcher.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code agent --metrics HOST:PORT}: serves {@code GET /metrics} in the Prometheus text format, without
 * a token (as node exporters do: bind it to an address only the scraper reaches). One thread; nothing
 * else is served.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** The only path served. */
    public static final String PATH = "/metrics";
    private final HttpServer server;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("metrics-http"));
    private final Telemetry telemetry;

    private MetricsEndpoint(HttpServer server, Telemetry telemetry) {
        this.server = server;
        this.telemetry = telemetry;
    }

    /** Listens on {@code address} ({@code HOST:PORT}, port 0: any free one) until closed. */
    public static MetricsEndpoint start(String address, Telemetry telemetry) {
        InetSocketAddress at = address(address);
        HttpServer server;
        try {
            server = HttpServer.create(at, 16);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--metrics: cannot listen on " + address + ": " + e.getMessage(),
                    e);
        }
        MetricsEndpoint m = new MetricsEndpoint(server, telemetry);
        server.createContext("/", m::handle);
        server.setExecutor(m.thread);
        server.start();
        return m;
    }

    /** {@code HOST:PORT} ({@code [::1]:PORT} for IPv6) as an address; a clear error otherwise. */
    static InetSocketAddress address(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--metrics wants HOST:PORT, not " + hostPort);
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--metrics wants HOST:PORT with a port from 0 to 65535, not "
                    + hostPort);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            if (!x.getRequestURI().getPath().equals(PATH)) {
                answer(x, 404, "text/plain; charset=utf-8", "not found: only " + PATH + " is served here\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                answer(x, 405, "text/plain; charset=utf-8", method + " is not allowed on " + PATH + "\n", method);
            } else {
                answer(x, 200, Telemetry.CONTENT_TYPE, telemetry.scrape(), method);
            }
        }
    }

    private static void answer(HttpExchange x, int status, String type, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        if (method.equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
