package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanStore;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan commands that write plans, and {@code gc --schedule}, on a real vault with no agent (so
 * no broker is started: the agents read the vault's plans when they start). Running plans is PlansIT.
 */
class PlanCommandsTest {
    @TempDir
    Path tmp;

    private Map<String, Plan> plans(Path vaultDir) {
        try (Vault v = Vault.open(Storages.open(vaultDir.toString()), TestVault.PASSWORD)) {
            return new PlanStore(v).load();
        }
    }

    @Test
    void plansAreWrittenChangedAndDeletedAndBadInputChangesNothing() throws Exception {
        Path vaultDir = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), new String(TestVault.PASSWORD) + "\n");
        Path src = Files.createDirectories(tmp.resolve("src"));
        TestVault.create(vaultDir, 1024).close();
        List<Object> o = List.of("--vault", vaultDir, "--password-file", pw, "--state-dir", tmp.resolve("state"));

        Cli.Result created = Cli.run(args("plan", "create", "home", o, "--path", src, "--schedule", "Daily at 2:00", "--tz",
                "Europe/Berlin", "--keep-daily", "7", "--exclude", "*.tmp", "--tag", "lab", "--overlap", "queue"));
        assertEquals(0, created.code(), created.toString());
        assertTrue(created.out().contains("no agent runs"), created.out());
        Plan home = plans(vaultDir).get("home");
        assertEquals("daily at 02:00", home.schedule(), "stored in canonical form");
        assertEquals(src.toString(), home.path());
        assertEquals(Map.of("keep-daily", "7"), home.keep());
        assertEquals(Plan.Overlap.QUEUE, home.overlap());

        int versions = versions(vaultDir);
        for (Object[] bad : List.of(
                args("plan", "create", "home", o, "--path", src),
                args("plan", "create", "other", o, "--path", src, "--schedule", "every 0m"),
                args("plan", "create", "other", o, "--path", src, "--schedule", "daily at 25:00"),
                args("plan", "create", "Other", o, "--path", src),
                args("plan", "create", "other", o, "--schedule", "hourly"),
                args("plan", "create", "other", o, "--path", src, "--keep-daily", "x"),
                args("plan", "create", "other", o, "--path", src, "--exclude", "a[b"),
                args("plan", "create", "other", o, "--path", src, "--tz", "Nowhere/City"),
                args("plan", "edit", "missing", o, "--keep-daily", "3"),
                args("plan", "pause", "missing", o))) {
            Cli.Result r = Cli.run(bad);
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("[invalid_argument]") || r.err().contains("[plan_exists]")
                    || r.err().contains("[plan_not_found]"), r.err());
        }
        assertEquals(versions, versions(vaultDir), "refused commands wrote nothing");
        assertEquals(1, plans(vaultDir).size());

        assertEquals(0, Cli.run(args("plan", "edit", "home", o, "--keep-weekly", "4")).code());
        home = plans(vaultDir).get("home");
        assertEquals(Map.of("keep-daily", "7", "keep-weekly", "4"), home.keep(), "what is not given stays");
        assertEquals("daily at 02:00", home.schedule());
        assertEquals(0, Cli.run(args("plan", "pause", "home", o)).code());
        assertTrue(plans(vaultDir).get("home").paused());
        assertEquals(0, Cli.run(args("plan", "resume", "home", o)).code());
        assertFalse(plans(vaultDir).get("home").paused());

        Cli.Result gc = Cli.run(args("gc", o, "--schedule", "weekly on sun at 04:00"));
        assertEquals(0, gc.code(), gc.toString());
        assertTrue(plans(vaultDir).get("gc").gc());
        assertEquals(0, Cli.run(args("gc", o, "--schedule", "daily at 03:00", "--tz", "UTC")).code());
        assertEquals("daily at 03:00", plans(vaultDir).get("gc").schedule(), "the same maintenance plan, changed");

        Cli.Result dry = Cli.run(args("plan", "delete", "home", o, "--dry-run"));
        assertEquals(0, dry.code(), dry.toString());
        assertTrue(plans(vaultDir).containsKey("home"));
        assertEquals(0, Cli.run(args("plan", "delete", "home", o)).code());
        assertFalse(plans(vaultDir).containsKey("home"));
        assertEquals(List.of("gc"), new ArrayList<>(plans(vaultDir).keySet()));
    }

    private static int versions(Path vaultDir) {
        try (Vault v = Vault.open(Storages.open(vaultDir.toString()), TestVault.PASSWORD)) {
            return v.list(ObjectKind.PLAN).objects().size();
        }
    }

    private static Object[] args(Object... parts) {
        List<Object> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof List<?> l) {
                out.addAll(l);
            } else {
                out.add(p);
            }
        }
        return out.toArray();
    }
}
