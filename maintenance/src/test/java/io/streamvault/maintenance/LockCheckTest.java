package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.Locks;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.TestVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} reads the lock records: a damaged one is an error (and every deletion refuses meanwhile). */
class LockCheckTest {
    @TempDir
    Path tmp;

    @Test
    void aDamagedLockRecordIsAnErrorAndStopsDeletions() throws IOException {
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            Files.createDirectories(tmp.resolve("src"));
            Files.write(tmp.resolve("src/f"), new byte[1000]);
            String s = tv.backup(tmp.resolve("src"), "h");
            tv.vault.locks().set(new Locks.Spec(LockMode.GOVERNANCE, Duration.ofDays(1), null, Duration.ZERO, List.of()),
                    false);
            Checker.Result clean = new Checker(tv.vault, Checker.Options.readAll()).run((p, d, t, r) -> { });
            assertTrue(clean.problems().isEmpty(), clean.problems().toString());

            String id = tv.vault.list(ObjectKind.LOCK).objects().get(0).id();
            Path record = tmp.resolve("vault").resolve(ObjectKind.LOCK.objectName(id));
            byte[] b = Files.readAllBytes(record);
            b[b.length / 2] ^= 1;
            Files.write(record, b);
            Checker.Result r = new Checker(tv.vault, Checker.Options.readAll()).run((p, d, t, x) -> { });
            assertEquals(1, r.problems().size(), r.problems().toString());
            assertEquals("lock", r.problems().get(0).kind());
            assertEquals(Checker.Severity.ERROR, r.problems().get(0).severity());
            StreamVaultException e = assertThrows(StreamVaultException.class,
                    () -> tv.vault.delete(ObjectKind.SNAPSHOT, s));
            assertEquals(ErrorCode.CORRUPT_OBJECT, e.code(), e.getMessage());
        }
    }
}
