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

    /** Runs the punctuations that are still scheduled (a round of polling that found no record). */
    private static void punctuate(MockProcessorContext<String, String> context) {
        context.scheduledPunctuators().stream().filter(p -> !p.cancelled())
                .forEach(p -> p.getPunctuator().punctuate(0));
    }

    private static long watching(MockProcessorContext<String, String> context) {
        return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).count();
    }

    @Test
    void commitsOnceTheInputIsQuietAndWatchesOnlyWhileThereIsSomethingToCommit() {
        MockProcessorContext<String, String> context = context(streams(Map.of()));
        Processor<String, String, String, String> p = wrapped();
        p.init(context);
        assertEquals(0, watching(context), "an idle task has no punctuation: each one that fires costs a commit");
        p.process(new Record<>("k", "a", 0));
        assertEquals(1, watching(context));
        assertEquals(20, context.scheduledPunctuators().get(0).getInterval().toMillis(), "the configured quiet time");
        punctuate(context);
        assertTrue(context.committed(), "one record and nothing after it: commit at the first punctuation");
        assertEquals(0, watching(context), "the watch ends with its request");
        context.resetCommit();
        p.process(new Record<>("k", "b", 0));
        p.process(new Record<>("k", "c", 0));
        punctuate(context);
        assertFalse(context.committed(), "a record came after the watch began: the input is not quiet yet");
        p.process(new Record<>("k", "d", 0));
        punctuate(context);
        assertFalse(context.committed(), "a record came since the previous punctuation");
        punctuate(context);
        assertTrue(context.committed(), "a whole period without a record: commit now");
        assertEquals(0, watching(context));
        assertEquals(List.of("a", "b", "c", "d"), seen, "every record reaches the processor");
        context.resetCommit();
        punctuate(context);
        assertFalse(context.committed(), "asked once per burst");
        p.process(new Record<>("k", "e", 0));
        assertEquals(1, watching(context), "the next burst is watched again");
        p.close();
        assertEquals(0, watching(context), "closed (or revived and initialised again): no punctuation left behind");
    }

    @Test
    void zeroLeavesCommitsToTheInterval() {
        MockProcessorContext<String, String> context = context(streams(Map.of(StreamVaultConfig.STREAMS_COMMIT_QUIET_MS, "0")));
        Processor<String, String, String, String> p = wrapped();
        p.init(context);
        p.process(new Record<>("k", "a", 0));
        assertTrue(context.scheduledPunctuators().isEmpty());
        assertEquals("1000", streams(Map.of()).get("commit.interval.ms"), "the interval that quiet commits make affordable");
    }
}
