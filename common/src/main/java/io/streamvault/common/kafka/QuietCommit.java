package io.streamvault.common.kafka;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A Kafka Streams processor whose task commits as soon as its input goes quiet, not only at the
 * commit interval. Under exactly-once, what a task sends is seen downstream only once it commits, and
 * each commit is a transaction (about fourteen requests to the cluster and a marker in every partition
 * it wrote). A long interval keeps transactions few while records stream in; this keeps the last
 * records of a burst (a small backup's, a job's end) from waiting for it. A wall-clock punctuation
 * every {@value #CONFIG} milliseconds asks for a commit when records came since the last one it asked
 * for and none since the previous punctuation. Off (the interval alone) when the application's
 * configuration does not set it, as in tests with {@code TopologyTestDriver}.
 */
public final class QuietCommit<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
    /** The Kafka Streams property (set by {@link KafkaProps#streams}) that gives the quiet time in ms. */
    public static final String CONFIG = "streamvault.commit.quiet.ms";
    private final Processor<KIn, VIn, KOut, VOut> delegate;
    private ProcessorContext<KOut, VOut> context;
    /** Records were processed since the last commit this asked for. */
    private boolean uncommitted;
    /** Records were processed since the previous punctuation. */
    private boolean recent;

    private QuietCommit(Processor<KIn, VIn, KOut, VOut> delegate) {
        this.delegate = delegate;
    }

    /** {@code supplier}'s processors, each committing its task when its input goes quiet. */
    public static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> wrap(
            ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        return () -> new QuietCommit<>(supplier.get());
    }

    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
        this.context = context;
        uncommitted = false;
        recent = false;
        delegate.init(context);
        Object quiet = context.appConfigs().get(CONFIG);
        long ms = quiet == null ? 0 : Long.parseLong(quiet.toString());
        if (ms > 0) {
            context.schedule(Duration.ofMillis(ms), PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
        }
    }

    @Override
    public void process(Record<KIn, VIn> record) {
        delegate.process(record);
        uncommitted = true;
        recent = true;
    }

    private void punctuate() {
        if (recent) {
            recent = false;
        } else if (uncommitted) {
            uncommitted = false;
            context.commit(); // a task with nothing left to commit (the interval came first) is skipped
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
