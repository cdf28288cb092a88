package io.streamvault.common.kafka;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
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
 * records of a burst (a small backup's, a job's end) from waiting for it.
 *
 * <p>The first record after a commit request schedules a wall-clock punctuation, every
 * {@value #CONFIG} milliseconds; the first one that finds no record processed since that record (or
 * since the previous punctuation) asks for a commit and cancels itself. Punctuations run between
 * polls, which wait up to {@code poll.ms} for input: while records stream in, every round of polling
 * brings some, only a poll that comes back empty lets one find none, and the commit follows the last
 * record within that wait. (Not a comparison of times: commits then followed every short gap in the
 * input, two to four times as many.) An idle task has none scheduled: every punctuation that fires
 * makes Kafka Streams commit the task at its next interval, a transaction even when nothing changed.
 * Off (the interval alone) when the application's configuration does not set it, as in tests with
 * {@code TopologyTestDriver}.
 */
public final class QuietCommit<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
    /** The Kafka Streams property (set by {@link KafkaProps#streams}) that gives the quiet time in ms. */
    public static final String CONFIG = "streamvault.commit.quiet.ms";
    private final Processor<KIn, VIn, KOut, VOut> delegate;
    private ProcessorContext<KOut, VOut> context;
    private long quietMs;
    /** A record was processed since the watch began or the previous punctuation. */
    private boolean recent;
    /** The punctuation that watches for quiet; null when no record came since the last commit request. */
    private Cancellable watch;

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
        watch = Punctuations.cancel(watch); // (a task revived after a failure initialises the same processor again)
        Object quiet = context.appConfigs().get(CONFIG);
        quietMs = quiet == null ? 0 : Long.parseLong(quiet.toString());
        delegate.init(context);
    }

    @Override
    public void process(Record<KIn, VIn> record) {
        delegate.process(record);
        if (watch != null) {
            recent = true;
        } else if (quietMs > 0) {
            recent = false;
            watch = context.schedule(Duration.ofMillis(quietMs), PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
        }
    }

    private void punctuate() {
        if (recent) {
            recent = false;
        } else {
            watch = Punctuations.cancel(watch);
            context.commit();
        }
    }

    @Override
    public void close() {
        watch = Punctuations.cancel(watch);
        delegate.close();
    }
}
