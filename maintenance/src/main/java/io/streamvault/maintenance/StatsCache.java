package io.streamvault.maintenance;

import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The last statistics and capacity of one vault, measured again only when its objects changed: for a
 * server whose console asks for them at every visit, where each measurement reads every snapshot's
 * trees. The key is the vault's listing (every object's kind, name and size): a measurement reads
 * only packs, index and snapshot objects, written once under names of their content, and every
 * object's size, so the same listing gives the same answer. A
 * measurement whose listing moved while it ran (a backup or a collection) is returned, not kept.
 * Measurements run outside the lock: while backups run, each request measures, as without a cache,
 * and none waits for another's.
 */
public final class StatsCache {
    private final Vault vault;
    private final int threads;
    private final Slot<Stats.Result> stats = new Slot<>();
    private final Slot<Capacity> capacity = new Slot<>();

    /** One kept measurement and the key it was taken on (guarded by the cache). */
    private static final class Slot<T> {
        byte[] key;
        T value;
    }

    /** @param threads readers of trees when a measurement is made */
    public StatsCache(Vault vault, int threads) {
        this.vault = vault;
        this.threads = threads;
    }

    /** Every snapshot's statistics and the vault's ({@link Stats#compute}), with its capacity. */
    public Stats.Result stats() {
        byte[] key = key();
        synchronized (this) {
            if (Arrays.equals(key, stats.key)) {
                return stats.value;
            }
        }
        return measure(key, stats, () -> Stats.load(vault, threads, () -> { }).compute());
    }

    /** The capacity and the plans' shares ({@link Capacity#measure}); the statistics' own when they are current. */
    public Capacity capacity() {
        byte[] key = key();
        synchronized (this) {
            if (Arrays.equals(key, capacity.key)) {
                return capacity.value;
            }
            if (Arrays.equals(key, stats.key)) {
                return stats.value.capacity();
            }
        }
        return measure(key, capacity, () -> Capacity.measure(vault, threads));
    }

    /** Measures (outside the lock), and keeps the result when the listing did not move meanwhile. */
    private <T> T measure(byte[] key, Slot<T> slot, Supplier<T> how) {
        T value = how.get();
        if (Arrays.equals(key, key())) {
            synchronized (this) {
                slot.key = key;
                slot.value = value;
            }
        }
        return value;
    }

    /** A digest of the vault's listing. */
    private byte[] key() {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (ObjectKind k : ObjectKind.values()) {
            d.update(k.name().getBytes(StandardCharsets.UTF_8));
            for (VaultObject o : vault.list(k).objects()) { // sorted by id
                d.update(o.id().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(Long.toString(o.size()).getBytes(StandardCharsets.US_ASCII));
                d.update((byte) '\n');
            }
        }
        return d.digest();
    }
}
