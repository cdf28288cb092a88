package io.streamvault.scanner;

import java.time.Duration;

/**
 * What changed under a watched root since the last drain, for continuous (near-line) backup. Not
 * thread-safe: one thread polls; {@link #close} may come from any thread and ends a poll in
 * progress. See docs/continuous.md, "Change feed".
 */
public interface ChangeFeed extends AutoCloseable {
    /**
     * Waits up to {@code timeout} for changes, then returns every directory under the root in which
     * something was created, deleted, modified, renamed or had its metadata changed since the last
     * call (paths under the root as it was given to {@link ChangeFeeds#open}, raw bytes kept). It
     * returns as soon as there is something to report. {@link Changes#overflowed()} true means
     * events were lost (queue overflow, watch limit reached, an unwatchable directory): the caller
     * must walk everything. A feed that was closed throws a FatalException (CANCELLED).
     */
    Changes poll(Duration timeout) throws InterruptedException;

    /** "fanotify" or "inotify". */
    String kind();

    @Override
    void close();
}
