package io.streamvault.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class PlanStoreTest {
    @TempDir
    Path tmp;

    private static PlanEdit edit(String path, String schedule) {
        return new PlanEdit(path, schedule, false, null, Map.of(), null, null, null, null, null, null, null, null, null);
    }

    @Test
    void aPlanIsReadBackFromTheVaultByAnotherOpening() {
        Path dir = tmp.resolve("vault");
        try (TestVault tv = TestVault.create(dir, 1024)) {
            PlanEdit e = new PlanEdit("/data/projects", "daily at 02:00", false, "Europe/Berlin",
                    Map.of("keep-daily", "7", "keep-weekly", "4"), "30d", List.of("lab"), List.of("*.tmp"), "node-1",
                    "queue", false, null, null, null);
            new PlanStore(tv.vault).save(e.create("projects", 1_000), 1_000);
        }
        try (TestVault tv = TestVault.open(dir, 1024)) {
            Plan p = new PlanStore(tv.vault).get("projects").orElseThrow();
            assertEquals("/data/projects", p.path());
            assertEquals("daily at 02:00", p.schedule());
            assertEquals(ZoneId.of("Europe/Berlin"), p.zone());
            assertEquals(Map.of("keep-daily", "7", "keep-weekly", "4"), p.keep());
            assertEquals(30L * 86_400, p.retainSeconds());
            assertEquals(List.of("lab"), p.tags());
            assertEquals(List.of("*.tmp"), p.excludes());
            assertEquals("node-1", p.host());
            assertEquals(Plan.Overlap.QUEUE, p.overlap());
            assertEquals("plan:projects", p.tag());
        }
    }

    @Test
    void theNewestVersionWinsAndADeletedPlanIsGoneButItsVersionsStay() {
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 1024)) {
            PlanStore store = new PlanStore(tv.vault);
            Plan p = store.save(edit("/a", "hourly").create("x", 5), 5);
            // the clock went back: the edit is still ordered after the first version
            Plan q = store.save(edit("/b", null).applyTo(p), 1);
            assertTrue(q.updatedNs() > p.updatedNs());
            assertEquals("/b", store.get("x").orElseThrow().path());
            Plan paused = store.save(q.withPaused(true, 10), 10);
            assertTrue(store.get("x").orElseThrow().paused());
            Plan resumed = store.save(paused.withPaused(false, 20), 20);
            assertEquals(resumed.updatedNs(), store.get("x").orElseThrow().activeSinceNs(),
                    "slots count again from the resume, so the paused ones are not caught up");
            store.delete("x", 30);
            assertFalse(store.get("x").isPresent());
            assertEquals(5, tv.vault.list(ObjectKind.PLAN).objects().size(), "every version is its own object");
            FatalException gone = assertThrows(FatalException.class, () -> store.delete("x", 40));
            assertEquals(ErrorCode.PLAN_NOT_FOUND, gone.code());
        }
    }

    @Test
    void badPlansAreRefusedWithTheirReason() {
        PlanEdit relative = edit("", "hourly");
        assertInvalid(() -> relative.create("x", 1), "needs --path");
        assertInvalid(() -> edit("/a", null).create("Bad Name", 1), "plan name");
        assertInvalid(() -> new PlanEdit(null, null, false, "Mars/Base", null, null, null, null, null, null, null, null, null,
                null).applyTo(edit("/a", null).create("x", 1)), "time zone");
        assertInvalid(() -> new PlanEdit("/a", null, false, null, Map.of("keep-daily", "many"), null, null, null, null, null,
                null, null, null, null).create("x", 1), "keep");
        assertInvalid(() -> new PlanEdit("/a", null, false, null, Map.of("keep-forever", "1"), null, null, null, null, null,
                null, null, null, null).create("x", 1), "unknown retention option");
        assertInvalid(() -> new PlanEdit("/a", null, false, null, null, null, null, null, null, "later", null, null, null,
                null).create("x", 1), "--overlap");
        assertInvalid(() -> new PlanEdit("/a", null, false, null, null, null, List.of("plan:y"), null, null, null, null, null,
                null, null).create("x", 1), "--tag");
        assertInvalid(() -> new PlanEdit("/a", "hourly", false, null, null, null, null, null, null, null, null, null, null,
                true).create("x", 1), "maintenance plan");
        assertInvalid(() -> new PlanEdit("/a", null, false, null, null, null, null, null, null, null, true, "1s", null,
                null).create("x", 1), "--rpo");
    }

    private static void assertInvalid(Executable e, String inMessage) {
        FatalException f = assertThrows(FatalException.class, e);
        assertEquals(ErrorCode.INVALID_ARGUMENT, f.code(), f.getMessage());
        assertTrue(f.getMessage().contains(inMessage), "\"" + inMessage + "\" not in: " + f.getMessage());
    }

    @Test
    void aDamagedVersionIsReportedAndTheOthersStillLoad() throws Exception {
        Path dir = tmp.resolve("vault");
        try (TestVault tv = TestVault.create(dir, 1024)) {
            PlanStore store = new PlanStore(tv.vault);
            store.save(edit("/a", "hourly").create("a", 1), 1);
            store.save(edit("/b", "hourly").create("b", 1), 1);
            Vault v = tv.vault;
            String victim = v.list(ObjectKind.PLAN).objects().get(0).id();
            Path file = dir.resolve(ObjectKind.PLAN.objectName(victim));
            byte[] b = Files.readAllBytes(file);
            b[b.length / 2] ^= 1;
            Files.write(file, b);
            List<StreamVaultException> errors = new ArrayList<>();
            assertEquals(1, store.load(errors::add).size());
            assertEquals(1, errors.size());
            assertEquals(ErrorCode.CORRUPT_OBJECT, errors.get(0).code());
            assertTrue(errors.get(0).getMessage().contains(victim), errors.get(0).getMessage());
        }
    }
}
