/**
 * Maintenance of a vault, needing only the vault and its key: {@code check}, the retention policy and
 * forget ({@link Retention}, {@link Forget}), garbage collection ({@link GarbageCollector}) and
 * statistics ({@link Stats}); capacity history and copies to come. Where a task must talk to a Kafka
 * topology, it does so through a narrow interface that the launcher wires ({@link GcCoordinator}).
 */
package io.streamvault.maintenance;
