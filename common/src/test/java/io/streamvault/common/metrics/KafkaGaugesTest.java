package io.streamvault.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class KafkaGaugesTest {
    final Map<MetricName, Metric> metrics = new HashMap<>();

    void put(String group, String name, double value, String... tags) {
        Map<String, String> t = new HashMap<>();
        for (int i = 0; i < tags.length; i += 2) {
            t.put(tags[i], tags[i + 1]);
        }
        MetricName n = new MetricName(name, group, "", t);
        metrics.put(n, new Metric() {
            @Override
            public MetricName metricName() {
                return n;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    @Test
    void clientLevelValuesOnlyOverEveryWorkingConsumerAndTheyStay() {
        put("consumer-fetch-manager-metrics", "records-lag-max", 7, "client-id", "a-StreamThread-1-consumer");
        put("consumer-fetch-manager-metrics", "records-lag-max", 12, "client-id", "a-StreamThread-2-consumer");
        put("consumer-fetch-manager-metrics", "records-lag-max", 999, "client-id", "a-StreamThread-1-consumer",
                "topic", "t", "partition", "0");
        put("consumer-fetch-manager-metrics", "records-lag-max", 5000, "client-id", "a-StreamThread-1-restore-consumer");
        put("consumer-fetch-manager-metrics", "records-consumed-total", 30, "client-id", "a-StreamThread-1-consumer");
        put("consumer-fetch-manager-metrics", "records-consumed-total", 12, "client-id", "a-StreamThread-2-consumer");
        put("consumer-fetch-manager-metrics", "records-consumed-total", 42, "client-id", "a-StreamThread-2-consumer",
                "topic", "t");
        put("consumer-coordinator-metrics", "rebalance-total", 2, "client-id", "a-StreamThread-1-consumer");
        put("consumer-fetch-manager-metrics", "records-lag-max", Double.NEGATIVE_INFINITY, "client-id", "idle");
        MeterRegistry r = new SimpleMeterRegistry();
        KafkaGauges.Binding b = KafkaGauges.bind(r, metrics, m -> m, List.of(Tag.of("role", "dedup")));
        for (int scrape = 0; scrape < 2; scrape++) { // nothing removes them between scrapes
            assertEquals(12, r.get(KafkaGauges.LAG).tag("role", "dedup").gauge().value(), "the worst client-level lag");
            assertEquals(42, r.get(KafkaGauges.CONSUMED).functionCounter().count(), "every working consumer's records");
            assertEquals(2, r.get(KafkaGauges.REBALANCES).functionCounter().count());
        }
        b.close();
        assertEquals(0, r.getMeters().size(), "closing removes them");
        assertEquals("x", KafkaGauges.clientId(Map.of(new MetricName("n", "g", "", Map.of("client-id", "x")),
                metrics.values().iterator().next())));
    }
}
