/**
 * Backup plans (docs/plans.md): what a plan is and how it is stored in the vault, its schedule and
 * the arithmetic of its slots, and the record of its runs. Needs only the vault; the scheduler that
 * runs plans in the agents is the {@code scheduler} module.
 */
package io.streamvault.plans;
