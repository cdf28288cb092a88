package io.streamvault.vault;

/**
 * One object of a vault as its storage lists it: its kind, its id (empty for the config) and its
 * size in bytes.
 */
public record VaultObject(ObjectKind kind, String id, long size) {
    /** The object's name in storage, for messages ({@code data/3f/3f2a...}). */
    public String name() {
        return kind.objectName(id);
    }
}
