package io.streamvault.launcher.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.TimeoutException;
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
    private final AtomicBoolean asking = new AtomicBoolean();
    /** Set when the agent stops: an answer that comes after (its admin client closing) says nothing. */
    private volatile boolean closed;
    /** Since when and why the cluster has not answered; null while it answers. */
    private volatile Down down;

    private record Down(long sinceMs, String reason) {
    }

    /** @param cluster the cluster as the agent names it (its bootstrap servers) */
    public ClusterWatch(Admin admin, String cluster) {
        this.admin = admin;
        this.cluster = cluster;
    }

    /**
     * Asks, when {@link #EVERY} has passed since the last time and no question is open (from the
     * agent's loop). It does not wait for the answer: the admin client's thread takes it, so a cluster
     * that went away never holds up the loop (an idle stop, or {@code agent --stop}).
     */
    public void tick() {
        long now = System.currentTimeMillis();
        if (!closed && now - lastAskedMs >= EVERY.toMillis() && asking.compareAndSet(false, true)) {
            lastAskedMs = now;
            try {
                ask().whenComplete((answered, e) -> asking.set(false));
            } catch (RuntimeException e) {
                asking.set(false); // the admin client refused the question (closing): asked again next time
                LOG.debug("could not ask the cluster: {}", e.toString());
            }
        }
    }

    /** Asks now; completes with true when the cluster answered, false when it did not within {@link #TIMEOUT}. */
    CompletionStage<Boolean> ask() {
        long now = System.currentTimeMillis();
        return admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).clusterId()
                .toCompletionStage().handle((id, e) -> answered(now, e));
    }

    /** The agent stops: no more questions, and no word about one that is left open. */
    public void close() {
        closed = true;
    }

    private boolean answered(long askedMs, Throwable e) {
        if (closed) {
            return e == null;
        }
        if (e == null) {
            Down was = down;
            if (was != null) {
                LOG.info("the cluster {} answers again, after {} s without", cluster,
                        (System.currentTimeMillis() - was.sinceMs()) / 1000);
            }
            down = null;
            return true;
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        String reason = cause instanceof TimeoutException ? "no answer within " + TIMEOUT.toSeconds() + " s"
                : String.valueOf(cause.getMessage());
        Down was = down;
        down = new Down(was == null ? askedMs : was.sinceMs(), reason);
        if (was == null) {
            LOG.warn("the cluster {} does not answer: {}; jobs handed to this agent wait for it", cluster, reason);
        }
        return false;
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
