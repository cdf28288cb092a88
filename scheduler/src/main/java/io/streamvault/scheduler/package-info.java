/**
 * The scheduler role (docs/plans.md): the agents in its consumer group share the partitions of
 * {@code plan-runs}, and the one that holds a plan's partition owns the plan. It claims each slot
 * in a transaction of that partition's transactional id, together with the records that start the
 * backup, so a slot runs once across all agents; it follows each run to its end and applies the
 * plan's retention. What a run does (the backup job, forget, gc) is the launcher's
 * {@link io.streamvault.scheduler.PlanActions}.
 */
package io.streamvault.scheduler;
