package io.streamvault.plans;

import java.util.List;

/**
 * What commands and the HTTP API ask of the running schedulers, through the cluster (the launcher
 * wires the Kafka implementation): the history of a plan's runs, a run now, and word that the plans
 * in the vault changed.
 */
public interface PlanControl extends AutoCloseable {
    /** The runs of {@code plan}, newest slot first, at most {@code limit}. */
    List<PlanRun> runs(String plan, int limit);

    /** Asks the plan's scheduler to run it now (a manual run); returns the request's id. */
    String requestRun(String plan);

    /** Tells the plan's scheduler that its definition changed in the vault (created, edited, paused, deleted). */
    void changed(String plan);

    @Override
    void close();
}
