package io.streamvault.maintenance;

import io.streamvault.vault.BlobId;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What garbage collection needs from the pipeline that writes the vault: the narrow interface
 * between {@link GarbageCollector} (vault only) and the Kafka topologies, which the launcher
 * implements over the {@code gc-control}, {@code gc-requests} and {@code gc-replies} topics. The
 * protocol and why it is safe: docs/gc.md.
 */
public interface GcCoordinator extends AutoCloseable {

    /**
     * Takes the vault's collector role, fencing any earlier collector (which deletes nothing more from
     * its next check of {@link #checkOwner}); throws {@code FENCED} when it cannot. Called before the run
     * lists anything, so that an earlier collector's deletions end before this run's view is taken.
     * By default, {@link #checkOwner}.
     */
    default void fence(String run) {
        checkOwner(run);
    }

    /**
     * Tells every catalog task to stop reusing existing trees; returns once every task has answered.
     * Called after {@link #fence}, on a thread of its own: the run loads the index and lists and marks
     * the snapshots meanwhile, and waits for it before it condemns anything (docs/gc.md, steps 2 to 5).
     */
    void begin(String run);

    /**
     * Makes the dedup topology forget these data ids, unless an upload of one is in progress; returns
     * once every dedup task has processed them, with the ids it spared.
     */
    Set<BlobId> forget(String run, Iterator<BlobId> ids);

    /**
     * Waits until every backup job whose start was committed before this call has ended (sealed or
     * failed). A job still running after {@code fenceAfter} (null: never) is fenced: it fails and
     * never seals. {@code waiting} hears, now and then, which jobs are waited for.
     */
    void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting);

    /** Throws {@code FENCED} when another collector has taken the role since {@link #begin}. */
    void checkOwner(String run);

    /**
     * Tells every catalog task to reload its tree index (forgetting deleted trees) and to reuse trees
     * again, without waiting for the answers. Called after the run, whether it completed or not, once
     * {@link #begin} succeeded.
     */
    void end(String run);

    @Override
    void close();

    /**
     * For a vault that nothing else writes to while the collection runs (no backup, no other
     * collector): every step is a no-op. Tests use it; so may a vault that is not backed up any more.
     */
    static GcCoordinator alone() {
        return new GcCoordinator() {
            @Override
            public void begin(String run) {
            }

            @Override
            public Set<BlobId> forget(String run, Iterator<BlobId> ids) {
                while (ids.hasNext()) {
                    ids.next();
                }
                return Set.of();
            }

            @Override
            public void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting) {
            }

            @Override
            public void checkOwner(String run) {
            }

            @Override
            public void end(String run) {
            }

            @Override
            public void close() {
            }
        };
    }
}
