package io.streamvault.vault.internal;

/**
 * The {@link PackMemory} of one vault's packs: blocks of {@link #STANDARD} bytes (a default pack
 * of 16 MiB plus its largest last chunk and header fits) are kept for reuse, a few at most; a pack
 * that needs more gets a block of its own, freed when it is written.
 */
final class PackPool implements AutoCloseable {
    static final long STANDARD = 24L << 20;
    private final Pool<PackMemory> pool = new Pool<>(8, () -> new PackMemory(STANDARD), PackMemory::close);

    PackMemory take(long capacity) {
        return capacity <= STANDARD ? pool.take() : new PackMemory(capacity);
    }

    void release(PackMemory m) {
        if (m.capacity() == PackMemory.roundUp(STANDARD)) {
            pool.release(m);
        } else {
            m.close();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
