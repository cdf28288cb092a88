package io.streamvault.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommonOptionsTest {
    @Test
    void aLongLivedProcesssConsumersWaitLongForFetchesUnlessTheUserChose() {
        assertEquals(200, StreamVaultConfig.defaults().getInt(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS));
        assertEquals(KafkaProps.AGENT_FETCH_MAX_WAIT_MS, CommonOptions.longLived(StreamVaultConfig.defaults())
                .getInt(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS));
        StreamVaultConfig chosen = StreamVaultConfig.defaults().with(Map.of(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS, "500"));
        assertEquals(500, CommonOptions.longLived(chosen).getInt(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS));
    }
}
