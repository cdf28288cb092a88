package io.streamvault.launcher.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an agent's cluster now and then whether it answers. Kafka's clients retry a cluster that went
 * away for ever, quietly; this says it in the agent's log once when it stops answering and once when
 * it answers again, and {@code agent --status} shows it meanwhile ({@link #status}).
 */
public final class ClusterWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    /** How often the agent asks. */
    public static final Duration EVERY = Duration.ofSeconds(30);
    /** How long an answer may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final Admin admin;
    private final String cluster;
    private long lastAskedMs;
    /** Since when and why the cluster has not answered; null while it answers. */
    private volatile Down down;

    private record Down(long sinceMs, String reason) {
    }

    /** @param cluster the cluster as the agent names it (its bootstrap servers) */
    public ClusterWatch(Admin admin, String cluster) {
        this.admin = admin;
        this.cluster = cluster;
    }

    /** Asks, when {@link #EVERY} has passed since the last time (from the agent's loop). */
    public void tick() throws InterruptedException {
        long now = System.currentTimeMillis();
        if (now - lastAskedMs >= EVERY.toMillis()) {
            lastAskedMs = now;
            ask();
        }
    }

    /** Asks now: true when the cluster answered. */
    boolean ask() throws InterruptedException {
        long now = System.currentTimeMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).clusterId()
                    .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            Down was = down;
            if (was != null) {
                LOG.info("the cluster {} answers again, after {} s without", cluster, (now - was.sinceMs()) / 1000);
            }
            down = null;
            return true;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            boolean timedOut = cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException;
            String reason = timedOut ? "no answer within " + TIMEOUT.toSeconds() + " s" : String.valueOf(cause.getMessage());
            Down was = down;
            down = new Down(was == null ? now : was.sinceMs(), reason);
            if (was == null) {
                LOG.warn("the cluster {} does not answer: {}; jobs handed to this agent wait for it", cluster, reason);
            }
            return false;
        }
    }

    /** For {@code agent --status}: since when the cluster has not answered, and why; empty while it answers. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Down d = down;
        if (d != null) {
            m.put("cluster_unreachable_since", Instant.ofEpochMilli(d.sinceMs()).toString());
            m.put("cluster_error", d.reason());
        }
        return m;
    }
}
