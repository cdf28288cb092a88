package io.streamvault.broker.internal;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the broker of a state directory until the JVM is asked to stop (SIGTERM, SIGINT). */
public final class Foreground {
    private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);

    private Foreground() {
    }

    public static void run(Path stateDir, PrintStream out, Function<LocalBroker, AutoCloseable> alongside) {
        LocalBroker broker = Brokers.acquire(stateDir, Duration.ofSeconds(5));
        if (!broker.owned()) {
            throw new FatalException(ErrorCode.STATE_LOCKED, "the broker of " + stateDir + " already runs: "
                    + broker + "; use bootstrap.servers=" + broker.bootstrapServers() + " or stop it first");
        }
        AutoCloseable extra;
        try {
            extra = alongside.apply(broker);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                closeQuietly(extra);
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "streamvault-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("bootstrap.servers=" + broker.bootstrapServers());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c, e.toString());
        }
    }
}
