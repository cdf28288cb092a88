package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.restore.Restorer;
import io.streamvault.vault.ClockedStorage;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.Locks;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backup lock against every deletion path of the maintenance module (forget by id, forget by
 * policy, garbage collection, key removal), for a snapshot that is unlocked, under a governance or a
 * compliance retention, or held: each path refuses exactly where it must, with the stable code, and
 * deletes exactly what it may once the retention has passed (the storage's clock is the test's).
 * The HTTP paths are in the server's MaintenanceApiIT, the command line in the launcher's LockCommandsTest.
 */
class LockMatrixTest {
    private static final Duration RETENTION = Duration.ofDays(30);

    enum State { UNLOCKED, GOVERNANCE, COMPLIANCE, HELD }

    @TempDir
    Path tmp;

    private Path files(String name, long seed) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Random r = new Random(seed);
        byte[] own = new byte[150_000];
        r.nextBytes(own);
        Files.write(dir.resolve("own.bin"), own);
        byte[] shared = new byte[100_000];
        new Random(7).nextBytes(shared);
        Files.write(dir.resolve("shared.bin"), shared);
        return dir;
    }

    private static void assertCode(ErrorCode code, Executable call, String... fragments) {
        StreamVaultException e = assertThrows(StreamVaultException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "\"" + f + "\" not in: " + e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(State.class)
    void everyDeletionPathRefusesExactlyWhereItMust(State state) throws IOException {
        Path srcTarget = files("target", 1);
        Path srcOther = files("other", 2);
        ClockedStorage clock = new ClockedStorage(Storages.open(tmp.resolve("vault").toString()), Instant.now());
        TestVault.create(tmp.resolve("vault"), 64 << 10).close();
        try (TestVault tv = TestVault.open(clock, 64 << 10)) {
            Vault vault = tv.vault;
            Locks locks = vault.locks();
            if (state == State.GOVERNANCE || state == State.COMPLIANCE) {
                locks.set(new Locks.Spec(state == State.GOVERNANCE ? LockMode.GOVERNANCE : LockMode.COMPLIANCE,
                        RETENTION, null, Duration.ofHours(1), List.of()), false);
            }
            String target = tv.backup(srcTarget, "h");
            if (state == State.GOVERNANCE || state == State.COMPLIANCE) {
                locks.remove(false); // in its cooling-off: the snapshot keeps its own retention
            }
            if (state == State.HELD) {
                locks.hold(target, "case 7");
            }
            String key2 = vault.addKey("second".toCharArray()).substring("keys/".length());
            String other = tv.backup(srcOther, "h");
            boolean locked = state != State.UNLOCKED;
            String why = state == State.HELD ? "legal hold" : "locked until";

            // forget by id: refused before anything is removed
            if (locked) {
                assertCode(ErrorCode.SNAPSHOT_LOCKED, () -> Forget.byIds(vault, vault.listSnapshots(), List.of(target),
                        false), target, why);
                assertCode(ErrorCode.SNAPSHOT_LOCKED, () -> vault.delete(ObjectKind.SNAPSHOT, target), target, why);
            } else {
                assertEquals(List.of(target), Forget.byIds(vault, vault.listSnapshots(), List.of(target), false)
                        .removedIds());
            }
            // forget by policy: a locked snapshot is kept, and the plan says why
            Forget.Plan policy = Forget.byPolicy(vault, vault.listSnapshots(),
                    RetentionPolicy.builder().keepLast(1).groupBy("host").build(), false);
            assertEquals(locked ? List.of() : List.of(target), policy.removedIds());
            if (locked) {
                assertTrue(policy.groups().get(0).decisions().stream().anyMatch(d -> d.snapshot().id().equals(target)
                        && d.keep() && d.reasons().stream().anyMatch(r -> r.startsWith(why))), policy.toString());
            }
            // key removal: refused while anything is locked
            if (locked) {
                assertCode(ErrorCode.VAULT_LOCKED, () -> vault.delete(ObjectKind.KEY, key2), why);
            }
            // garbage collection after the other snapshot goes: the locked one keeps everything it reaches
            Forget.remove(vault, Forget.byIds(vault, vault.listSnapshots(), List.of(other), false).removedIds());
            if (!locked) {
                Forget.remove(vault, List.of(target));
            }
            new GarbageCollector(vault, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                    .run(GarbageCollector.Progress.none());
            if (locked) {
                assertRestores(vault, target, srcTarget);
                Checker.Result c = new Checker(vault, Checker.Options.readAll()).run((phase, done, total, read) -> { });
                assertTrue(c.problems().isEmpty(), c.problems().toString());
            } else {
                assertTrue(vault.listSnapshots().isEmpty());
                vault.delete(ObjectKind.KEY, key2);
                return;
            }

            // the retention passes: what it kept may go now; a hold keeps until it is released
            clock.advance(RETENTION.plusHours(1));
            if (state == State.HELD) {
                assertCode(ErrorCode.SNAPSHOT_LOCKED, () -> Forget.byIds(vault, vault.listSnapshots(), List.of(target),
                        false), "legal hold", "case 7");
                locks.release(target, "case closed");
            }
            vault.delete(ObjectKind.KEY, key2);
            Forget.remove(vault, Forget.byIds(vault, vault.listSnapshots(), List.of(target), false).removedIds());
            assertTrue(vault.listSnapshots().isEmpty());
            // and garbage collection now frees what the locked snapshot kept
            assertFalse(vault.list(ObjectKind.PACK).objects().isEmpty());
            new GarbageCollector(vault, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                    .run(GarbageCollector.Progress.none());
            assertTrue(vault.list(ObjectKind.PACK).objects().isEmpty(), vault.list(ObjectKind.PACK).objects().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"GOVERNANCE", "COMPLIANCE"})
    void onlyAGovernanceRetentionYieldsToAnExplicitBypass(State state) throws IOException {
        Path src = files("src", 3);
        ClockedStorage clock = new ClockedStorage(Storages.open(tmp.resolve("vault").toString()), Instant.now());
        TestVault.create(tmp.resolve("vault"), 64 << 10).close();
        try (TestVault tv = TestVault.open(clock, 64 << 10)) {
            Vault vault = tv.vault;
            vault.locks().set(new Locks.Spec(LockMode.valueOf(state.name()), RETENTION, null, Duration.ZERO, List.of()),
                    false);
            String s = tv.backup(src, "h");
            tv.backup(files("src2", 4), "h");
            if (state == State.COMPLIANCE) {
                assertCode(ErrorCode.SNAPSHOT_LOCKED, () -> Forget.byIds(vault, vault.listSnapshots(), List.of(s), true),
                        s, "compliance");
                assertFalse(vault.listSnapshots().stream().noneMatch(r -> r.id().equals(s)));
                return;
            }
            Forget.Plan plan = Forget.byIds(vault, vault.listSnapshots(), List.of(s), true);
            Forget.remove(vault, plan.removedIds(), true);
            assertTrue(vault.listSnapshots().stream().map(SnapshotRef::id).noneMatch(s::equals));
            assertTrue(vault.locks().state().history().stream().anyMatch(h -> h.contains(s) && h.contains("bypassed")));
        }
    }

    private void assertRestores(Vault vault, String snapshot, Path src) throws IOException {
        Path target = Files.createTempDirectory(tmp, "restore");
        Restorer.Result r = new Restorer(vault, vault.loadIndex()).restore(vault.loadSnapshot(snapshot), target);
        assertTrue(r.ok(), r.errors().toString());
        for (String f : List.of("own.bin", "shared.bin")) {
            assertTrue(Arrays.equals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(target.resolve(f))), f);
        }
    }
}
