package io.streamvault.server;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.server.internal.Api;
import io.streamvault.server.internal.Browser;
import io.streamvault.server.internal.RestoreJobs;
import io.streamvault.server.internal.Tokens;
import io.streamvault.vault.Vault;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * The HTTP restore API ({@code streamvault serve}): browse snapshots, download files (with Range),
 * run restore jobs. Every request needs a bearer token from the tokens file; TLS when given a
 * certificate and key. The routes are documented in the OpenAPI document served at
 * {@code /api/v1/openapi.json}.
 */
public final class ApiServer implements AutoCloseable {
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
    public record Options(String host, int port, Path tokensFile, Path tlsCert, Path tlsKey, List<Path> restoreRoots,
            int concurrentRestores, int vaultThreads) {
        public Options {
            restoreRoots = List.copyOf(restoreRoots);
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "TLS needs both a certificate and a key");
            }
        }

        public static Options of(String host, int port, Path tokensFile) {
            return new Options(host, port, tokensFile, null, null, List.of(), 2, 8);
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final RestoreJobs jobs;
    private final WorkerExecutor worker;
    private final Api api;
    private final boolean tls;

    private ApiServer(Vertx vertx, HttpServer server, RestoreJobs jobs, WorkerExecutor worker, Api api, boolean tls) {
        this.vertx = vertx;
        this.server = server;
        this.jobs = jobs;
        this.worker = worker;
        this.api = api;
        this.tls = tls;
    }

    /** Starts the server and returns once it listens. The vault stays the caller's. */
    public static ApiServer start(Vault vault, Options o) {
        Tokens tokens = Tokens.load(o.tokensFile());
        Browser browser = new Browser(vault);
        Vertx vertx = Vertx.vertx();
        RestoreJobs jobs = new RestoreJobs(browser, o.concurrentRestores());
        try {
            WorkerExecutor worker = vertx.createSharedWorkerExecutor("sv-api-vault", o.vaultThreads());
            Api api = new Api(browser, jobs, tokens, worker, o.restoreRoots());
            HttpServerOptions http = new HttpServerOptions().setHost(o.host()).setPort(o.port());
            boolean tls = o.tlsCert() != null;
            if (tls) {
                http.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(o.tlsCert().toString()).setKeyPath(o.tlsKey().toString()));
            }
            HttpServer server;
            try {
                server = vertx.createHttpServer(http).requestHandler(api.router(vertx)).listen().await();
            } catch (RuntimeException e) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "cannot listen on " + o.host() + ":" + o.port()
                        + (tls ? " with TLS" : "") + ": " + e.getMessage(), e);
            }
            return new ApiServer(vertx, server, jobs, worker, api, tls);
        } catch (RuntimeException e) {
            jobs.close();
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

    /** Every served route as {METHOD, path in OpenAPI form}, for checking the OpenAPI document. */
    public List<String[]> routes() {
        return api.routes().stream().map(r -> new String[] {r.method().name(), r.path()}).toList();
    }

    @Override
    public void close() {
        try {
            server.close().await();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        jobs.close();
        worker.close();
        vertx.close().await();
    }
}
