package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.broker.LocalBroker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker that stops: the agent's watch says since when its cluster has not answered, and
 * forgets it once the broker, started again on its port, answers.
 */
class ClusterWatchIT {
    @TempDir
    Path tmp;

    @Test
    void aClusterThatStopsAnsweringIsShownUntilItAnswersAgain() throws Exception {
        LocalBroker broker = LocalBroker.acquire(tmp.resolve("state"));
        String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
            ClusterWatch watch = new ClusterWatch(admin, bootstrap);
            assertTrue(asked(watch));
            assertEquals(Map.of(), watch.status());

            broker.close();
            Instant before = Instant.now().minusSeconds(1);
            watch.tick(); // as the agent's loop does: it asks, and does not wait for the answer (up to 5 s)
            assertEquals(Map.of(), watch.status(), "the loop went on before the answer came");
            assertFalse(asked(watch), "a stopped broker does not answer");
            Map<String, Object> down = watch.status();
            assertTrue(!Instant.parse((String) down.get("cluster_unreachable_since")).isBefore(before), down.toString());
            assertTrue(((String) down.get("cluster_error")).startsWith("no answer within"), down.toString());
            assertFalse(asked(watch));
            assertEquals(down.get("cluster_unreachable_since"), watch.status().get("cluster_unreachable_since"),
                    "the first time it did not answer");

            broker = LocalBroker.acquire(tmp.resolve("state"));
            // Another process may have been given the port meanwhile (an outgoing connection's): rare,
            // and then the rest cannot be shown.
            Assumptions.assumeTrue(bootstrap.equals(broker.bootstrapServers()), "the broker's port was taken while"
                    + " it was stopped: it started on " + broker.bootstrapServers());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!asked(watch)) {
                assertTrue(System.nanoTime() < deadline, "the broker answers again: " + watch.status());
            }
            assertEquals(Map.of(), watch.status());
        } finally {
            broker.close();
        }
    }

    private static boolean asked(ClusterWatch watch) throws Exception {
        return watch.ask().toCompletableFuture().get();
    }
}
