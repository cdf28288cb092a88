package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.vault.TestVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored capacity and the plans' shares on a real vault: two plans and a snapshot of no plan that
 * all hold one file, each with data of its own. The shares add up to the bytes of the vault's files
 * on disk; each owner's unique bytes are what forgetting its snapshots would free (computed by
 * {@link Stats#freedBy}, another walk).
 */
class CapacityTest {
    @TempDir
    Path tmp;
    TestVault tv;
    String a1;
    String a2;
    String b1;
    String c1;

    private Path tree(String name, Map<String, byte[]> files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @BeforeEach
    void vault() throws IOException {
        byte[] shared = random(200_000, 1);
        Path srcA = tree("a", Map.of("own-a.bin", random(300_000, 2), "shared.bin", shared));
        Path srcB = tree("b", Map.of("own-b.bin", random(250_000, 3), "shared.bin", shared));
        Path srcC = tree("c", Map.of("own-c.bin", random(100_000, 4), "shared.bin", shared));
        tv = TestVault.create(tmp.resolve("vault"), 64 << 10).dedupAcrossPacks();
        a1 = tv.backup(srcA, "h", List.of("plan:alpha", "lab"));
        b1 = tv.backup(srcB, "h", List.of("plan:beta"));
        c1 = tv.backup(srcC, "h");
        Files.write(srcA.resolve("own-a.bin"), random(300_000, 5));
        a2 = tv.backup(srcA, "h", List.of("plan:alpha"));
    }

    /** The bytes of the vault's files as the file system reports them (temporary files excluded). */
    static long onDisk(Path vaultDir) throws IOException {
        try (Stream<Path> s = Files.walk(vaultDir)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("."))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void assertAddsUp(Capacity c) {
        long sum = 0;
        for (Capacity.Share s : c.shares()) {
            assertEquals(s.uniqueBytes() + s.sharedBytes(), s.storedBytes(), s.toString());
            assertTrue(s.uniqueBytes() >= 0 && s.sharedBytes() >= 0, s.toString());
            sum += s.storedBytes();
        }
        assertEquals(c.storedBytes(), sum, "the shares add up to the stored capacity: " + c.shares());
        long byKind = c.byKind().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(c.storedBytes(), byKind);
    }

    @Test
    void theSharesAddUpToTheVaultsBytesOnDiskAndEachUniquePartIsWhatForgettingFrees() throws IOException {
        Stats stats = Stats.load(tv.vault, 2, () -> { });
        Capacity c = stats.capacity();
        assertAddsUp(c);
        assertEquals(onDisk(tmp.resolve("vault")), c.storedBytes(), "stored capacity = the storage's bytes");
        assertEquals(List.of("alpha", "beta", Capacity.NO_PLAN, Capacity.UNUSED, Capacity.METADATA),
                c.shares().stream().map(Capacity.Share::name).toList());
        Capacity.Share alpha = c.shares().get(0);
        Capacity.Share beta = c.shares().get(1);
        Capacity.Share none = c.shares().get(2);
        assertEquals(Capacity.Kind.PLAN, alpha.kind());
        assertEquals(Capacity.Kind.NO_PLAN, none.kind());
        assertEquals(stats.freedBy(List.of(a1, a2)), alpha.uniqueBytes());
        assertEquals(stats.freedBy(List.of(b1)), beta.uniqueBytes());
        assertEquals(stats.freedBy(List.of(c1)), none.uniqueBytes());
        assertTrue(alpha.uniqueBytes() > 600_000, "both versions of own-a.bin: " + alpha);
        // shared.bin is held by all three: a third each, to a byte
        assertTrue(alpha.sharedBytes() > 60_000 && Math.abs(alpha.sharedBytes() - beta.sharedBytes()) <= 1
                && Math.abs(beta.sharedBytes() - none.sharedBytes()) <= 1, c.shares().toString());
        assertEquals(c.referencedStoredBytes(), alpha.storedBytes() + beta.storedBytes() + none.storedBytes());
        assertEquals(0, c.unusedBytes(), "nothing is forgotten yet");
        assertEquals(stats.compute().vault().logicalBytes(), c.logicalBytes());
        assertEquals(c, stats.compute().capacity(), "stats carry the same measurement");
        assertEquals(c.storedBytes(), stats.compute().vault().storedBytes());
    }

    @Test
    void whatAForgottenSnapshotAloneHeldIsUnusedUntilACollectionFreesIt() throws IOException {
        long freed = Stats.load(tv.vault, 2, () -> { }).freedBy(List.of(a1));
        Forget.remove(tv.vault, List.of(a1));
        Capacity c = Capacity.measure(tv.vault, 2);
        assertAddsUp(c);
        assertEquals(freed, c.unusedBytes());
        assertEquals(onDisk(tmp.resolve("vault")), c.storedBytes(), "the forget's capacity record included");
        new GarbageCollector(tv.vault, GcCoordinator.alone(), GarbageCollector.Options.defaults().withMaxUnused(0))
                .run(GarbageCollector.Progress.none());
        Capacity after = Capacity.measure(tv.vault, 2);
        assertAddsUp(after);
        assertEquals(0, after.unusedBytes(), "collected, repacked to no unused bytes");
        assertEquals(onDisk(tmp.resolve("vault")), after.storedBytes());
    }

    @Test
    void aVaultWithoutSnapshotsIsAllMetadata() throws IOException {
        try (TestVault empty = TestVault.create(tmp.resolve("empty"), 64 << 10)) {
            Capacity c = Capacity.measure(empty.vault, 1);
            assertAddsUp(c);
            assertEquals(List.of(Capacity.NO_PLAN, Capacity.UNUSED, Capacity.METADATA),
                    c.shares().stream().map(Capacity.Share::name).toList());
            assertEquals(onDisk(tmp.resolve("empty")), c.shares().get(2).storedBytes(), "config and key");
            assertEquals(1.0, c.dedupRatio());
        }
    }
}
