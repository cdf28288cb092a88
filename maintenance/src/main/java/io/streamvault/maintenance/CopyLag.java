package io.streamvault.maintenance;

/**
 * How far a copy of the vault is behind, as its copier last measured it (docs/copies.md, Lag).
 *
 * @param target the copy's location
 * @param atMs when it was measured
 * @param objects objects of the vault not on the copy
 * @param bytes their size
 * @param snapshots snapshots not on the copy
 * @param seconds how long ago the oldest of them was sealed (0: none missing)
 * @param newestCopied the newest snapshot on both, or null
 */
public record CopyLag(String target, long atMs, long objects, long bytes, int snapshots, long seconds, String newestCopied) {
}
