package io.streamvault.catalog;

/**
 * @param packBytes target size of tree packs
 * @param progressIntervalMs how often running jobs report progress
 * @param maxRereads how many times a file whose content changed before upload is read again
 * @param jobRetentionMs how long after its last record a sealed or failed job's state is kept
 */
public record CatalogSettings(long packBytes, long progressIntervalMs, int maxRereads, long jobRetentionMs) {
}
