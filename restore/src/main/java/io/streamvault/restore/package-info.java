/**
 * Restore: what to restore (selection by path, globs and times), and writing it into a directory,
 * needing only the vault and its key: no Kafka, no HTTP. {@link io.streamvault.restore.FilePlan}, where
 * a file's bytes are in the vault, is also what the HTTP server's ranged downloads read by.
 */
package io.streamvault.restore;
