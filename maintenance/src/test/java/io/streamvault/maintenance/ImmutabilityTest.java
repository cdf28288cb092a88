package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.vault.ClockedStorage;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.Locks;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the lock asks of the storage service: every object a locked snapshot needs held until its
 * retain-until rounded up to a week, extended when a later snapshot reuses an old pack, legal holds
 * placed and released. The service is a recording one that, like Azure, never shortens a policy.
 * (The Azure requests themselves: the vault's AzureImmutabilityTest.)
 */
class ImmutabilityTest {
    @TempDir
    Path tmp;

    /** A storage that records policies as Azure keeps them: the latest expiry, locked once locked. */
    static final class Recording extends ClockedStorage {
        final Map<String, Instant> until = new HashMap<>();
        final Set<String> locked = new HashSet<>();
        final Set<String> held = new HashSet<>();
        int calls;

        Recording(Storage s) {
            super(s, Instant.now());
        }

        @Override
        public Optional<ImmutableStorage> immutability() {
            return Optional.of(new ImmutableStorage() {
                @Override
                public Support probe() {
                    return new Support(true, null);
                }

                @Override
                public void protect(String name, Instant t, boolean lock) {
                    calls++;
                    until.merge(name, t, (a, b) -> b.isAfter(a) ? b : a);
                    if (lock) {
                        locked.add(name);
                    }
                }

                @Override
                public void legalHold(String name, boolean hold) {
                    if (hold) {
                        held.add(name);
                    } else {
                        held.remove(name);
                    }
                }
            });
        }
    }

    private Path files(String name, long seed, long sharedSeed) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        byte[] own = new byte[120_000];
        new Random(seed).nextBytes(own);
        Files.write(dir.resolve("own.bin"), own);
        byte[] shared = new byte[90_000];
        new Random(sharedSeed).nextBytes(shared);
        Files.write(dir.resolve("shared.bin"), shared);
        return dir;
    }

    private static Set<String> packs(Vault v) {
        Set<String> out = new HashSet<>();
        for (VaultObject o : v.list(ObjectKind.PACK).objects()) {
            out.add(ObjectKind.PACK.objectName(o.id()));
        }
        return out;
    }

    @Test
    void everyObjectALockedSnapshotNeedsIsHeldAndExtendedWhenReused() throws IOException {
        TestVault.create(tmp.resolve("vault"), 64 << 10).close();
        Recording rec = new Recording(Storages.open(tmp.resolve("vault").toString()));
        try (TestVault tv = TestVault.open(rec, 64 << 10).dedupAcrossPacks()) {
            Vault v = tv.vault;
            String free = tv.backup(files("free", 1, 98), "h");
            Set<String> freePacks = packs(v);
            v.locks().set(new Locks.Spec(LockMode.COMPLIANCE, Duration.ofDays(30), null, Duration.ZERO, List.of()), false);
            String a = tv.backup(files("a", 2, 99), "h");
            Set<String> aPacks = new HashSet<>(packs(v));
            aPacks.removeAll(freePacks);
            Immutability.Result r = Immutability.sync(v, 2);
            assertTrue(r.supported());
            assertEquals(1, r.lockedSnapshots());
            Instant aUntil = v.locks().state().protection(v.loadSnapshot(a)).retainUntil();
            Instant aWeek = Immutability.roundUp(aUntil);
            assertTrue(!aWeek.isBefore(aUntil) && aWeek.getEpochSecond() % (7 * 86400) == 0, aWeek.toString());
            assertEquals(aWeek, rec.until.get(ObjectKind.SNAPSHOT.objectName(a)));
            assertFalse(rec.until.containsKey(ObjectKind.SNAPSHOT.objectName(free)), "an unlocked snapshot is not held");
            assertTrue(freePacks.stream().noneMatch(rec.until::containsKey), "nothing a locked snapshot needs");
            assertFalse(aPacks.isEmpty());
            for (String p : aPacks) {
                assertEquals(aWeek, rec.until.get(p), p);
            }
            assertTrue(rec.locked.containsAll(aPacks), "compliance: locked policies");
            assertEquals(aWeek, rec.until.get("config"));
            for (VaultObject k : v.list(ObjectKind.KEY).objects()) {
                assertEquals(aWeek, rec.until.get(ObjectKind.KEY.objectName(k.id())));
            }
            assertTrue(v.list(ObjectKind.INDEX).objects().stream().noneMatch(
                    o -> rec.until.containsKey(ObjectKind.INDEX.objectName(o.id()))), "index objects are not held");

            // the lock is extended to 100 days; a new snapshot reuses what the first wrote (the same shared
            // file): those packs' policies are extended, what only the first needs keeps its expiry
            v.locks().set(new Locks.Spec(LockMode.COMPLIANCE, Duration.ofDays(100), null, Duration.ZERO, List.of()),
                    false);
            String b = tv.backup(files("b", 3, 99), "h");
            Immutability.sync(v, 2);
            Instant bWeek = Immutability.roundUp(v.locks().state().protection(v.loadSnapshot(b)).retainUntil());
            assertTrue(bWeek.isAfter(aWeek));
            for (String p : aPacks) {
                assertEquals(bWeek, rec.until.get(p), "reused by the later snapshot: " + p);
            }
            assertEquals(aWeek, rec.until.get(ObjectKind.SNAPSHOT.objectName(a)), "only the first snapshot needs it");
            assertEquals(bWeek, rec.until.get(ObjectKind.SNAPSHOT.objectName(b)));

            // a legal hold holds what the snapshot needs; releasing it lets go of what no other hold needs
            v.locks().hold(free, "audit");
            Immutability.sync(v, 2);
            assertTrue(rec.held.contains(ObjectKind.SNAPSHOT.objectName(free)));
            assertTrue(rec.held.containsAll(freePacks), rec.held.toString());
            v.locks().release(free, "done");
            Immutability.release(v, free, 2);
            assertTrue(rec.held.isEmpty(), rec.held.toString());
        }
    }

    @Test
    void aStorageWithoutImmutabilityIsToldSoAndAskedNothing() throws IOException {
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            tv.vault.locks().set(new Locks.Spec(LockMode.GOVERNANCE, Duration.ofDays(1), null, Duration.ZERO, List.of()),
                    false);
            tv.backup(files("x", 5, 5), "h");
            Immutability.Result r = Immutability.sync(tv.vault, 2);
            assertFalse(r.supported());
            assertTrue(r.reason().contains("cannot refuse deletions"), r.reason());
        }
    }
}
