package io.streamvault.scheduler;

import io.streamvault.plans.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What a plan's run does, as the launcher wires it; the scheduler decides when. */
public interface PlanActions {
    /**
     * The records that start the backup job {@code job} of {@code plan} (the job and its root task):
     * sent in the transaction that claims the slot, so the slot and its job exist together or not at all.
     * {@code changedDirs}: the absolute directories in which something changed since the run that made
     * {@code lastSnapshot} started (a run on changes may walk only those, when that snapshot is its
     * parent); null: walk everything.
     */
    List<ProducerRecord<byte[], byte[]>> startBackup(Plan plan, String job, Set<Path> changedDirs, String lastSnapshot);

    /** Applies the plan's retention after a successful run; returns what it did, in a few words. */
    String forget(Plan plan);

    /** Brings the plan's copy target up to date (its {@code copyTo}); returns what it did, in a few words. */
    String copy(Plan plan);

    /** Runs garbage collection of the vault (a maintenance plan); returns what it did, in a few words. */
    String gc();

    /**
     * Starts watching {@code plan}'s path for changes (continuous mode), calling {@code onChange}
     * from any thread with the directories in which something changed, or null when events were lost
     * (everything must be walked); closing stops the watch.
     */
    AutoCloseable watch(Plan plan, Consumer<Set<Path>> onChange);
}
