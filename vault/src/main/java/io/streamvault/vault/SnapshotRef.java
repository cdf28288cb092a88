package io.streamvault.vault;

/** A listed snapshot: its object id (64 hex digits) and contents. */
public record SnapshotRef(String id, Snapshot snapshot) {
}
