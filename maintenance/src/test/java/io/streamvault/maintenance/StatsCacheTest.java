package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.vault.TestVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real vault: a second request for the statistics or the capacity reads no tree while the
 * vault is unchanged, and any backup or forget is seen by the next one.
 */
class StatsCacheTest {
    @TempDir
    Path tmp;

    @Test
    void anUnchangedVaultIsMeasuredOnceAndAnyChangeIsSeen() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("a.bin"), CapacityTest.random(300_000, 1));
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            String first = tv.backup(src, "h", List.of("plan:alpha"));
            StatsCache cache = new StatsCache(tv.vault, 2);

            Capacity c = cache.capacity();
            assertTrue(tv.storage.packReads.get() > 0, "the first measurement reads the trees");
            tv.storage.packReads.set(0);
            assertSame(c, cache.capacity());
            assertEquals(0, tv.storage.packReads.get(), "the second reads none");

            Stats.Result s = cache.stats();
            assertTrue(tv.storage.packReads.get() > 0);
            tv.storage.packReads.set(0);
            assertSame(s, cache.stats());
            assertEquals(s.capacity(), cache.capacity(), "the capacity of the statistics' measurement");
            assertEquals(0, tv.storage.packReads.get());

            Files.write(src.resolve("b.bin"), CapacityTest.random(200_000, 2));
            String second = tv.backup(src, "h");
            Stats.Result after = cache.stats();
            assertEquals(2, after.vault().snapshots(), "a new snapshot is seen");
            assertNotEquals(c.storedBytes(), cache.capacity().storedBytes());
            CapacityTest.assertAddsUp(cache.capacity());

            Forget.remove(tv.vault, List.of(second));
            assertEquals(List.of(first), cache.stats().snapshots().stream().map(Stats.SnapshotStats::id).toList(),
                    "a forgotten snapshot is gone from the next answer");
            assertEquals(Capacity.measure(tv.vault, 2), cache.capacity());
        }
    }
}
