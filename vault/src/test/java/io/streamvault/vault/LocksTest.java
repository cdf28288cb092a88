package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backup lock at the vault's one deletion check: retentions, the cooling-off, governance bypass,
 * legal holds, keys, and lock objects removed by hand. The storage's clock is the test's, and sits
 * three hours from this machine's, so every decision is shown to read the service's time.
 */
class LocksTest extends VaultTestSupport {
    static final Duration DAY = Duration.ofDays(1);
    ClockedStorage clocked;
    Vault v;

    @BeforeEach
    void openClocked() {
        clocked = new ClockedStorage(storage, Instant.now().plus(Duration.ofHours(3)));
        v = Vault.open(clocked, PASSWORD);
    }

    @AfterEach
    void closeClocked() {
        v.close();
    }

    /** A snapshot sealed at the storage's now. */
    String seal(long seq) {
        long end = clocked.now().getEpochSecond() * 1_000_000_000L + seq;
        return v.writeSnapshot(new Snapshot(1, end - 1, end, SnapshotTest.TREE, "/data".getBytes(), "h", "u", List.of(),
                null, "job-" + seq, false, List.of(), 0, Map.of()));
    }

    Locks.Spec spec(LockMode mode, Duration min, Duration changeableFor) {
        return new Locks.Spec(mode, min, Duration.ofDays(3650), changeableFor, List.of());
    }

    @Test
    void aComplianceLockKeepsEverySnapshotUntilItsTimeAndNotASecondLess() {
        String before = seal(1);
        v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(30), Duration.ofHours(72)), false);
        String s = seal(2);
        Snapshot body = v.loadSnapshot(s).snapshot();
        assertEquals(2, body.version());
        assertEquals(LockMode.COMPLIANCE, body.lockMode());
        assertEquals(body.endTimeNs() + Duration.ofDays(30).toNanos(), body.retainUntilNs());
        Instant until = Instant.ofEpochSecond(0, body.retainUntilNs());

        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, s), s, until.toString(), "compliance");
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, s, true), s);
        v.delete(ObjectKind.SNAPSHOT, before);
        clocked.advance(Duration.ofDays(30).minusSeconds(1));
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, s), s);
        clocked.advance(Duration.ofSeconds(1));
        v.delete(ObjectKind.SNAPSHOT, s);
        assertTrue(v.listSnapshots().isEmpty());
    }

    @Test
    void theCoolingOffAllowsRemovalThenOnlyExtension() {
        v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(30), Duration.ofHours(72)), false);
        v.locks().remove(false);
        assertNull(v.locks().state().lock());
        v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(30), Duration.ofHours(72)), false);
        v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(7), Duration.ofHours(72)), false);
        assertEquals(Duration.ofDays(7), v.locks().state().lock().minRetention(), "changed freely while cooling off");

        clocked.advance(Duration.ofHours(72));
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.locks().remove(false), "cooling-off", "never");
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.locks().remove(true), "cooling-off");
        assertFails(ErrorCode.VAULT_LOCKED,
                () -> v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(6), Duration.ofHours(72)), false), "shorten");
        assertFails(ErrorCode.VAULT_LOCKED,
                () -> v.locks().set(spec(LockMode.GOVERNANCE, Duration.ofDays(7), Duration.ofHours(72)), false),
                "governance");
        VaultLock longer = v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(60), Duration.ofHours(72)), false);
        assertEquals(Duration.ofDays(60), longer.minRetention());
        assertTrue(!longer.changeableAt(clocked.now()), "an extension opens no new cooling-off");
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.locks().remove(false));
    }

    @Test
    void aGovernanceRetentionIsLiftedOnlyExplicitlyByAKeyWithTheRightAndOnRecord() {
        v.locks().set(spec(LockMode.GOVERNANCE, Duration.ofDays(30), Duration.ZERO), false);
        String a = seal(1);
        String b = seal(2);
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, a), a, "governance", "--bypass-governance");
        String other = v.addKey("other password".toCharArray()).substring("keys/".length());
        try (Vault second = Vault.open(clocked, "other password".toCharArray())) {
            assertEquals(other, second.keyId());
            assertFails(ErrorCode.FORBIDDEN, () -> second.delete(ObjectKind.SNAPSHOT, a, true), other);
            assertFails(ErrorCode.FORBIDDEN, () -> second.locks().remove(true), other);
        }
        v.delete(ObjectKind.SNAPSHOT, a, true);
        assertEquals(List.of(b), v.listSnapshots().stream().map(SnapshotRef::id).toList());
        assertTrue(v.locks().state().history().stream().anyMatch(h -> h.contains(a) && h.contains("governance bypassed")),
                v.locks().state().history().toString());
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.locks().remove(false));
        v.locks().remove(true);
        assertNull(v.locks().state().lock());
        // the lock is gone; the snapshot's own retention holds
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, b), b);
    }

    @Test
    void theBypassRightOnlyNarrowsAndACompliancePartOfARetentionStaysCompliance() {
        v.locks().set(spec(LockMode.GOVERNANCE, Duration.ofDays(30), Duration.ZERO), false);
        String other = v.addKey("other password".toCharArray()).substring("keys/".length());
        String s = seal(1);
        try (Vault second = Vault.open(clocked, "other password".toCharArray())) {
            // the other key names itself in a stronger lock: that grants it nothing
            second.locks().set(new Locks.Spec(LockMode.COMPLIANCE, Duration.ofDays(30), Duration.ofDays(3650),
                    Duration.ZERO, List.of(other)), false);
            assertTrue(!second.locks().mayBypassGovernance());
            assertFails(ErrorCode.FORBIDDEN, () -> second.delete(ObjectKind.SNAPSHOT, s, true), other);
            assertFails(ErrorCode.VAULT_LOCKED, () -> second.locks().remove(true), "never");
        }
        assertTrue(!v.locks().mayBypassGovernance(), "the intersection of {this key} and {the other} is empty");

        // a retention extended under compliance and then further under governance keeps compliance
        String t = seal(2);
        Instant until = clocked.now().plus(Duration.ofDays(60));
        v.locks().retain(t, until);
        assertEquals(LockMode.COMPLIANCE, v.locks().state().protection(v.loadSnapshot(t)).mode());
    }

    @Test
    void lockObjectsRemovedByHandUnlockNoSnapshot() {
        v.locks().set(spec(LockMode.COMPLIANCE, Duration.ofDays(30), Duration.ZERO), false);
        String s = seal(1);
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.delete(ObjectKind.LOCK, v.list(ObjectKind.LOCK).objects().get(0).id()));
        for (ObjectInfo o : storage.list("locks/")) {
            storage.delete(o.name());
        }
        assertNull(v.locks().state().lock());
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, s), s);
    }

    @Test
    void holdsKeepWhateverTheDatesAndRetentionsOnlyGrow() {
        String s = seal(1);
        Hold h = v.locks().hold(s, "case 42");
        assertEquals("case 42", h.reason());
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, s, true), s, "legal hold", "case 42");
        assertEquals(1, v.locks().release(s, "case closed"));
        assertFails(ErrorCode.CONFLICT, () -> v.locks().release(s, "again"));

        Instant until = clocked.now().plus(Duration.ofDays(10));
        Protection p = v.locks().retain(s, until);
        assertEquals(until, p.retainUntil());
        assertEquals(LockMode.GOVERNANCE, p.mode());
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> v.locks().retain(s, until.minusSeconds(1)), "only be extended");
        assertFails(ErrorCode.SNAPSHOT_LOCKED, () -> v.delete(ObjectKind.SNAPSHOT, s), until.toString());
        clocked.advance(Duration.ofDays(10));
        v.delete(ObjectKind.SNAPSHOT, s);
    }

    @Test
    void keysStayWhileAnythingIsLocked() {
        String other = v.addKey("other password".toCharArray()).substring("keys/".length());
        v.locks().set(spec(LockMode.GOVERNANCE, Duration.ofDays(1), Duration.ZERO), false);
        seal(1);
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.delete(ObjectKind.KEY, other), "vault lock");
        v.locks().remove(true);
        assertFails(ErrorCode.VAULT_LOCKED, () -> v.delete(ObjectKind.KEY, other), "locked until");
        clocked.advance(DAY);
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> v.delete(ObjectKind.KEY, v.keyId()), "opened this vault");
        v.delete(ObjectKind.KEY, other);
        assertEquals(1, v.list(ObjectKind.KEY).objects().size());
    }

    @Test
    void retentionsOutsideTheBoundsAreRefusedNotClamped() {
        v.locks().checkRetention(Duration.ofDays(365));
        v.locks().set(new Locks.Spec(LockMode.COMPLIANCE, Duration.ofDays(30), Duration.ofDays(90), Duration.ZERO,
                List.of()), false);
        v.locks().checkRetention(Duration.ofDays(30));
        v.locks().checkRetention(Duration.ZERO);
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> v.locks().checkRetention(Duration.ofDays(29)), "outside");
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> v.locks().checkRetention(Duration.ofDays(91)), "outside");
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> v.locks().set(new Locks.Spec(LockMode.COMPLIANCE,
                Duration.ofDays(30), Duration.ofDays(10), Duration.ZERO, List.of()), false), "shorter than the minimum");
    }
}
