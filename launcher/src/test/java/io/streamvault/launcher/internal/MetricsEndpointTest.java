package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code agent --metrics}: what the endpoint answers, and what the registry keeps of Kafka's and the JVM's meters. */
class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryAtMetricsOnlyToGetAndHead() throws Exception {
        try (Telemetry t = new Telemetry(); MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1:0", t)) {
            Counter.builder("streamvault.test.things").register(t.registry()).increment(3);
            String base = "http://127.0.0.1:" + e.port();
            HttpResponse<String> ok = call("GET", base + "/metrics");
            assertEquals(200, ok.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", ok.headers().firstValue("Content-Type").orElse(""));
            assertTrue(ok.body().contains("\nstreamvault_test_things_total 3.0\n"), ok.body());
            assertTrue(ok.body().contains("\njvm_memory_used_bytes{"), "the JVM's basics");
            assertTrue(ok.body().contains("\nprocess_uptime_seconds "), "the process's uptime");
            assertFalse(ok.body().contains("process_cpu_time_ns"), "a name Prometheus's lint rejects is left out");
            assertEquals(200, call("HEAD", base + "/metrics").statusCode());
            HttpResponse<String> post = call("POST", base + "/metrics");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            assertEquals(404, call("GET", base + "/").statusCode());
            assertEquals(404, call("GET", base + "/metrics/more").statusCode());
        }
    }

    @Test
    void keepsOnlyAFewKafkaMetricsAndNoneByTopicOrPartition() {
        assertFalse(Telemetry.droppedKafkaMetric(id("kafka.consumer.fetch.manager.records.lag.max", "client.id", "c")));
        assertTrue(Telemetry.droppedKafkaMetric(id("kafka.consumer.fetch.manager.records.lag.max", "partition", "3")));
        assertTrue(Telemetry.droppedKafkaMetric(id("kafka.consumer.fetch.manager.records.consumed.total", "topic", "t")));
        assertTrue(Telemetry.droppedKafkaMetric(id("kafka.producer.record.send.rate", "client.id", "c")));
        assertFalse(Telemetry.droppedKafkaMetric(id("streamvault.catalog.backups", "result", "sealed")));
    }

    private static Meter.Id id(String name, String tag, String value) {
        return new Meter.Id(name, Tags.of(tag, value), null, null, Meter.Type.GAUGE);
    }

    @Test
    void aBadAddressIsAClearError() {
        for (String bad : new String[] {"9464", ":9464", "localhost:port", "127.0.0.1:70000"}) {
            FatalException e = assertThrows(FatalException.class, () -> MetricsEndpoint.address(bad), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().startsWith("--metrics wants HOST:PORT"), e.getMessage());
        }
        assertEquals(9464, MetricsEndpoint.address("[::1]:9464").getPort());
    }
}
