package io.streamvault.schemas;

import com.sun.net.httpserver.HttpServer;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.schemas.internal.RegistryHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link SchemaRegistry} over the Confluent Schema Registry REST API (the subset that
 * producers, consumers and common tools use), so other processes and tools can reach the embedded
 * registry through {@code schema.registry.url}. Compatibility levels are accepted and reported,
 * not enforced.
 */
public final class RegistryHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger active;

    private RegistryHttpServer(HttpServer server, ExecutorService executor, AtomicInteger active) {
        this.server = server;
        this.executor = executor;
        this.active = active;
    }

    /** Serves {@code registry} on {@code address} (port 0: any free port) without authentication. */
    public static RegistryHttpServer start(SchemaRegistry registry, InetSocketAddress address) {
        return start(registry, address, "");
    }

    /**
     * Serves {@code registry} on {@code address} (port 0: any free port); when {@code basicAuthUserInfo}
     * ({@code USER:PASSWORD}) is not empty, every request must carry it as HTTP basic authentication.
     */
    public static RegistryHttpServer start(SchemaRegistry registry, InetSocketAddress address,
            String basicAuthUserInfo) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "cannot serve the schema registry on " + address
                    + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, DaemonThreads.numbered("schema-registry-http-"));
        RegistryHandler handler = new RegistryHandler(registry, basicAuthUserInfo);
        AtomicInteger active = new AtomicInteger();
        server.createContext("/", ex -> {
            active.incrementAndGet();
            try {
                handler.handle(ex);
            } finally {
                active.decrementAndGet();
            }
        });
        server.setExecutor(executor);
        server.start();
        return new RegistryHttpServer(server, executor, active);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL to give as {@code schema.registry.url}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort();
    }

    /** Lets running requests finish (up to a second), then stops. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (active.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // stop(n) of the JDK's server waits the full n seconds even when idle, so wait here instead.
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
