package io.streamvault.scheduler;

import io.streamvault.plans.Plan;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What a plan's run does, as the launcher wires it; the scheduler decides when. */
public interface PlanActions {
    /**
     * The records that start the backup job {@code job} of {@code plan} (the job and its root task):
     * sent in the transaction that claims the slot, so the slot and its job exist together or not at all.
     */
    List<ProducerRecord<byte[], byte[]>> startBackup(Plan plan, String job);

    /** Applies the plan's retention after a successful run; returns what it did, in a few words. */
    String forget(Plan plan);

    /** Runs garbage collection of the vault (a maintenance plan); returns what it did, in a few words. */
    String gc();

    /**
     * Starts watching {@code plan}'s path for changes (continuous mode), calling {@code onChange}
     * from any thread when something changed or events were lost; closing stops the watch.
     */
    AutoCloseable watch(Plan plan, Runnable onChange);
}
