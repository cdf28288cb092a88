package io.streamvault.vault;

/**
 * Told of every object the vault writes or deletes, in the order it happens in this process
 * (docs/copies.md): the announcement that copies follow. Called after the storage call returned,
 * on the thread that made it; an object whose write returns is announced even when it existed
 * already (a write retried after a crash is announced again, so an announcement lost with the
 * crash is made good). A listener that throws fails the write's caller: announcing is part of
 * writing.
 */
public interface VaultEvents {
    /** Announces nothing. */
    VaultEvents NONE = new VaultEvents() {
        @Override
        public void written(ObjectKind kind, String id, long size) {
        }

        @Override
        public void deleted(ObjectKind kind, String id) {
        }
    };

    /** The object {@code kind}/{@code id} of {@code size} bytes is durable in storage. */
    void written(ObjectKind kind, String id, long size);

    /** The object is gone from storage. */
    void deleted(ObjectKind kind, String id);
}
