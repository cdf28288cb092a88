package io.streamvault.common.kafka;

/** Learns about workers that cannot make progress. Called from worker threads. */
public interface WorkerListener {
    /** A transient failure; the worker rewinds and tries again. {@code sinceMs} is when the failures began. */
    default void retrying(String worker, Exception error, long sinceMs) {
    }

    /** The worker made progress again after failures. */
    default void recovered(String worker) {
    }

    /** The worker stopped for good. */
    default void failed(String worker, Exception error) {
    }

    WorkerListener NONE = new WorkerListener() {
    };
}
