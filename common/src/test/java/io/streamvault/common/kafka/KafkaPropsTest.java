package io.streamvault.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamvault.common.config.StreamVaultConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaPropsTest {
    private static KafkaProps props(Map<String, String> settings) {
        return new KafkaProps("127.0.0.1:9092", StreamVaultConfig.defaults().with(settings));
    }

    @Test
    void transactionalProducersLingerUntilTheirCommitAndKeepTheirOwnId() {
        Properties p = props(Map.of()).transactionalProducer("tx-1");
        assertEquals(KafkaProps.TRANSACTIONAL_LINGER_MS, p.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals(KafkaProps.BATCH_BYTES, p.get(ProducerConfig.BATCH_SIZE_CONFIG));
        assertEquals("5", props(Map.of()).producer("plain").get(ProducerConfig.LINGER_MS_CONFIG),
                "a plain producer's records are seen at once: it does not wait");
        Properties overridden = props(Map.of("kafka.linger.ms", "7", "kafka.transactional.id", "shared"))
                .transactionalProducer("tx-1");
        assertEquals("7", overridden.get(ProducerConfig.LINGER_MS_CONFIG), "a user's setting wins");
        assertEquals("tx-1", overridden.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG),
                "one id for every producer would fence them all");
    }

    @Test
    void streamsProducersTakeTheSameDefaultsUnlessTheUserSetsThem() {
        Properties p = props(Map.of()).streams("app", Path.of("/tmp/state"), 1);
        assertEquals(KafkaProps.TRANSACTIONAL_LINGER_MS, p.get("producer." + ProducerConfig.LINGER_MS_CONFIG));
        assertEquals(KafkaProps.BATCH_BYTES, p.get("producer." + ProducerConfig.BATCH_SIZE_CONFIG));
        Properties overridden = props(Map.of("kafka.linger.ms", "7", "kafka.batch.size", "4096"))
                .streams("app", Path.of("/tmp/state"), 1);
        assertNull(overridden.get("producer." + ProducerConfig.LINGER_MS_CONFIG),
                "the prefixed key would win over the user's");
        assertNull(overridden.get("producer." + ProducerConfig.BATCH_SIZE_CONFIG));
        assertEquals("7", overridden.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("4096", overridden.get(ProducerConfig.BATCH_SIZE_CONFIG));
    }

    @Test
    void consumersAndStreamsWaitForFetchesAsLongAsTheProcessIsSetTo() {
        assertEquals("200", props(Map.of()).consumer("g", "c", 10).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                "a command's consumers close without waiting out a long fetch");
        assertEquals("200", props(Map.of()).streams("app", Path.of("/tmp/state"), 1)
                .get("consumer." + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        KafkaProps agent = props(Map.of(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS, "2000"));
        assertEquals("2000", agent.consumer("g", "c", 10).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        assertEquals("2000", agent.streams("app", Path.of("/tmp/state"), 1)
                .get("consumer." + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        assertEquals(KafkaProps.RESTORE_FETCH_MAX_WAIT_MS, agent.streams("app", Path.of("/tmp/state"), 1)
                .get("restore.consumer." + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "restores never wait long");
        assertEquals(KafkaProps.READER_FETCH_MAX_WAIT_MS, agent.reader("r", 10).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                "a consumer that reads to an end closes at once, in an agent too");
        KafkaProps chosen = props(Map.of("kafka.fetch.max.wait.ms", "700"));
        assertEquals("700", chosen.reader("r", 10).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "a user's setting wins");
        Properties streams = chosen.streams("app", Path.of("/tmp/state"), 1);
        assertNull(streams.get("consumer." + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                "the prefixed key would win over the user's");
        assertEquals("700", streams.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    }
}
