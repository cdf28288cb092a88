package io.streamvault.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.config.StreamVaultConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class QuietCommitTest {
    private final List<String> seen = new ArrayList<>();

    private Processor<String, String, String, String> wrapped() {
        return QuietCommit.<String, String, String, String>wrap(() -> new Processor<>() {
            @Override
            public void process(Record<String, String> record) {
                seen.add(record.value());
            }
        }).get();
    }

    private static MockProcessorContext<String, String> context(Properties streams) {
        return new MockProcessorContext<>(streams);
    }

    private static Properties streams(Map<String, String> settings) {
        return new KafkaProps("127.0.0.1:9092", StreamVaultConfig.defaults().with(settings))
                .streams("app", Path.of("/tmp/state"), 1);
    }

    private static void punctuate(MockProcessorContext<String, String> context) {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(0));
    }

    @Test
    void commitsOnceTheInputIsQuietAndNotWhileRecordsStreamIn() {
        MockProcessorContext<String, String> context = context(streams(Map.of()));
        Processor<String, String, String, String> p = wrapped();
        p.init(context);
        assertEquals(1, context.scheduledPunctuators().size());
        assertEquals(20, context.scheduledPunctuators().get(0).getInterval().toMillis(), "the configured quiet time");
        punctuate(context);
        assertFalse(context.committed(), "nothing was processed: nothing to commit");
        p.process(new Record<>("k", "a", 0));
        punctuate(context);
        assertFalse(context.committed(), "a record came since the previous punctuation: the input is not quiet");
        p.process(new Record<>("k", "b", 0));
        punctuate(context);
        assertFalse(context.committed());
        punctuate(context);
        assertTrue(context.committed(), "quiet for a whole period after records: commit now");
        assertEquals(List.of("a", "b"), seen, "every record reaches the processor");
        context.resetCommit();
        punctuate(context);
        assertFalse(context.committed(), "asked once per burst");
    }

    @Test
    void zeroLeavesCommitsToTheInterval() {
        MockProcessorContext<String, String> context = context(streams(Map.of(StreamVaultConfig.STREAMS_COMMIT_QUIET_MS, "0")));
        wrapped().init(context);
        assertTrue(context.scheduledPunctuators().isEmpty());
        assertEquals("1000", streams(Map.of()).get("commit.interval.ms"), "the interval that quiet commits make affordable");
    }
}
