package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.kafka.WorkerListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches this process's workers for a backup command: a worker that stops, or one that keeps
 * failing for longer than the retry timeout, ends the command with that worker's error.
 */
public final class FailureWatch implements WorkerListener {
    private static final Logger LOG = LoggerFactory.getLogger(FailureWatch.class);
    private final long retryTimeoutMs;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Map<String, Exception> retrying = new ConcurrentHashMap<>();
    private final Map<String, Long> since = new ConcurrentHashMap<>();

    public FailureWatch(long retryTimeoutMs) {
        this.retryTimeoutMs = retryTimeoutMs;
    }

    @Override
    public void retrying(String worker, Exception error, long sinceMs) {
        retrying.put(worker, error);
        since.putIfAbsent(worker, sinceMs);
    }

    @Override
    public void recovered(String worker) {
        retrying.remove(worker);
        since.remove(worker);
    }

    @Override
    public void failed(String worker, Exception error) {
        LOG.debug("{} failed", worker, error);
        failure.compareAndSet(null, error instanceof StreamVaultException sve ? sve
                : new FatalException(ErrorCode.INTERNAL, worker + " stopped: " + error, error));
    }

    /** The reason to give up, or null while there is none. */
    public RuntimeException check() {
        RuntimeException f = failure.get();
        if (f != null) {
            return f;
        }
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Long> e : since.entrySet()) {
            if (now - e.getValue() > retryTimeoutMs) {
                Exception cause = retrying.get(e.getKey());
                String msg = cause == null ? "unknown" : cause.getMessage();
                ErrorCode code = cause instanceof StreamVaultException s ? s.code() : ErrorCode.TIMEOUT;
                return new FatalException(code, "giving up after " + (now - e.getValue()) / 1000 + " s of retries: " + msg, cause);
            }
        }
        return null;
    }
}
