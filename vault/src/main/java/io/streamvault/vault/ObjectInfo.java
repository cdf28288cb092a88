package io.streamvault.vault;

/** A stored object's name (relative to the vault root, '/'-separated) and size in bytes. */
public record ObjectInfo(String name, long size) {
}
