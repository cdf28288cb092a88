package io.streamvault.server.internal;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/** Runs vault reads on the worker pool, never on the event loop; a failure goes to the router's error handling. */
final class Worker {
    private final WorkerExecutor executor;

    Worker(WorkerExecutor executor) {
        this.executor = executor;
    }

    /** Runs {@code work} on the pool, then {@code done} with its result on the request's context. */
    <T> void run(RoutingContext ctx, Callable<T> work, Handler<T> done) {
        call(work).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                try {
                    done.handle(ar.result());
                } catch (RuntimeException e) {
                    ctx.fail(e);
                }
            }
        });
    }

    /** Runs {@code work} on the pool (unordered: requests do not wait for each other). */
    <T> Future<T> call(Callable<T> work) {
        return executor.executeBlocking(work, false);
    }
}
