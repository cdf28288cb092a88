/**
 * Restore: what to restore (selection by path, globs and times), and writing it into a directory,
 * needing only the vault and its key: no Kafka, no HTTP.
 */
package io.streamvault.restore;
