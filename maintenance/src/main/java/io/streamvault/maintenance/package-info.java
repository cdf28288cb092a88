/**
 * Maintenance of a vault, needing only the vault and its key: {@code check}, and the retention
 * policy of {@code forget} ({@link Retention}, a pure decision); the deletion of forget, garbage
 * collection, capacity and copies to come. Where a task must talk to a Kafka topology, it does so
 * through a narrow interface that the launcher wires.
 */
package io.streamvault.maintenance;
