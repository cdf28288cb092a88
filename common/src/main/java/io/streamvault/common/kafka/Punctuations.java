package io.streamvault.common.kafka;

import org.apache.kafka.streams.processor.Cancellable;

/**
 * Kafka Streams punctuations that a processor schedules and must cancel itself: when it closes, and
 * when a task revived after a failure initialises the same processor again (Streams keeps the old
 * schedules, which would then run twice).
 */
public final class Punctuations {
    private Punctuations() {
    }

    /** Cancels {@code scheduled} when there is one; returns null, for the field that held it. */
    public static Cancellable cancel(Cancellable scheduled) {
        if (scheduled != null) {
            scheduled.cancel();
        }
        return null;
    }
}
