package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock's commands and the command-line deletion paths (forget by id and by policy, key remove)
 * against a locked and a held snapshot, on a real vault (no Kafka: none of these commands needs it).
 */
class LockCommandsTest {
    @TempDir
    Path tmp;

    private String backup(TestVault tv, String name, long seed) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        byte[] b = new byte[50_000];
        new Random(seed).nextBytes(b);
        Files.write(dir.resolve("f.bin"), b);
        return tv.backup(dir, "h");
    }

    @Test
    void aComplianceLockRefusesEveryCommandLineDeletionWithItsCode() throws IOException {
        Path vaultDir = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), new String(TestVault.PASSWORD) + "\n");
        Path pw2 = Files.writeString(tmp.resolve("pw2"), "another password\n");
        List<Object> o = List.of("--vault", vaultDir, "--password-file", pw, "--state-dir", tmp.resolve("state"));
        String before;
        try (TestVault tv = TestVault.create(vaultDir, 64 << 10)) {
            before = backup(tv, "a", 1);
        }
        Cli.Result set = Cli.run(args("lock", "set", o, "--min-retention", "30d", "--mode", "compliance",
                "--changeable-for", "0s", "-o", "lock.min.changeable.for.s=0", "--json"));
        assertEquals(0, set.code(), set.toString());
        assertEquals("compliance", set.json().get("mode").asText());
        assertTrue(!set.json().get("changeable").asBoolean(), set.toString());
        Cli.Result tooShort = Cli.run(args("lock", "set", o, "--min-retention", "30d", "--changeable-for", "1h"));
        assertEquals(1, tooShort.code());
        assertTrue(tooShort.err().contains("[invalid_argument]"), tooShort.err());
        String locked;
        try (TestVault tv = TestVault.open(vaultDir, 64 << 10)) {
            locked = backup(tv, "b", 2);
        }
        assertEquals(0, Cli.run(args("key", "add", o, "--new-password-file", pw2)).code());

        Cli.Result byId = Cli.run(args("forget", o, locked));
        assertEquals(1, byId.code(), byId.toString());
        assertTrue(byId.err().contains(locked) && byId.err().contains("locked until")
                && byId.err().contains("[snapshot_locked]"), byId.err());
        Cli.Result weaken = Cli.run(args("lock", "set", o, "--min-retention", "7d", "--mode", "compliance",
                "-o", "lock.min.changeable.for.s=0", "--changeable-for", "0s"));
        assertTrue(weaken.code() == 1 && weaken.err().contains("[vault_locked]"), weaken.toString());
        Cli.Result removeLock = Cli.run(args("lock", "remove", o, "--bypass-governance"));
        assertTrue(removeLock.code() == 1 && removeLock.err().contains("[vault_locked]"), removeLock.toString());
        Cli.Result policy = Cli.run(args("forget", o, "--keep-last", "1", "--group-by", "host", "--json"));
        assertEquals(0, policy.code(), policy.toString());
        assertEquals(List.of(before), List.of(policy.json().get("removed").get(0).asText()), policy.out());
        assertTrue(policy.out().contains("locked until"), policy.out());
        String otherKey;
        try (Vault v = Vault.open(Storages.open(vaultDir.toString()), "another password".toCharArray())) {
            otherKey = v.keyId();
            assertEquals(2, v.list(ObjectKind.KEY).objects().size());
        }
        Cli.Result keyRemove = Cli.run(args("key", "remove", o, otherKey));
        assertTrue(keyRemove.code() == 1 && keyRemove.err().contains("[vault_locked]"), keyRemove.toString());

        Cli.Result listed = Cli.run(args("snapshots", o, "--json"));
        assertTrue(listed.out().contains("\"lock_mode\":\"compliance\""), listed.out());
        Cli.Result hold = Cli.run(args("hold", "add", o, locked, "--reason", "case 9"));
        assertEquals(0, hold.code(), hold.toString());
        assertTrue(Cli.run(args("snapshots", o)).out().contains("legal hold: case 9"));
        String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString();
        Cli.Result shorten = Cli.run(args("retain", o, locked, "--until", tomorrow));
        assertTrue(shorten.code() == 1 && shorten.err().contains("only be extended"), shorten.toString());
        Cli.Result show = Cli.run(args("lock", "show", o));
        assertTrue(show.out().contains("compliance") && show.out().contains("held"), show.out());
    }

    enum State { UNLOCKED, GOVERNANCE, COMPLIANCE, HELD }

    /**
     * The command-line deletion paths against each kind of protection, with retentions of ten seconds
     * (the command line reads the file system's clock, which a test cannot move): each state is checked
     * right after it is set up, while its protection holds, and again once it has passed or the hold
     * is released.
     */
    @Test
    void everyCommandLineDeletionRefusesWhileTheRetentionHoldsAndNotAfter() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), new String(TestVault.PASSWORD) + "\n");
        Path pw2 = Files.writeString(tmp.resolve("pw2"), "another password\n");
        Map<State, List<Object>> opts = new EnumMap<>(State.class);
        Map<State, String> targets = new EnumMap<>(State.class);
        long passed = 0;
        for (State st : State.values()) {
            Path dir = tmp.resolve(st.name());
            List<Object> o = List.of("--vault", dir, "--password-file", pw, "--state-dir", tmp.resolve("state"));
            opts.put(st, o);
            TestVault.create(dir, 64 << 10).close();
            if (st == State.GOVERNANCE || st == State.COMPLIANCE) {
                Cli.Result set = Cli.run(args("lock", "set", o, "--min-retention", "10s", "--mode",
                        st.name().toLowerCase(Locale.ROOT), "--changeable-for", "0s", "-o",
                        "lock.min.changeable.for.s=0"));
                assertEquals(0, set.code(), set.toString());
            }
            String target;
            try (TestVault tv = TestVault.open(dir, 64 << 10)) {
                target = backup(tv, st.name(), 1);
                Thread.sleep(3);
                backup(tv, st.name(), 2);
            }
            passed = System.currentTimeMillis() + 10_500;
            targets.put(st, target);
            if (st == State.HELD) {
                assertEquals(0, Cli.run(args("hold", "add", o, target, "--reason", "case 3")).code());
            }
            assertEquals(0, Cli.run(args("key", "add", o, "--new-password-file", pw2)).code());

            Cli.Result byId = Cli.run(args("forget", o, "--dry-run", target));
            Cli.Result policy = Cli.run(args("forget", o, "--keep-last", "1", "--dry-run", "--json"));
            String otherKey = Cli.run(args("key", "list", o)).out().lines().filter(l -> !l.contains("this key"))
                    .findFirst().orElseThrow().substring(0, 64);
            if (st == State.UNLOCKED) {
                assertEquals(0, byId.code(), byId.toString());
                assertEquals(target, policy.json().get("removed").get(0).asText());
                assertEquals(0, Cli.run(args("key", "remove", o, otherKey)).code());
                continue;
            }
            assertEquals(1, byId.code(), byId.toString());
            assertTrue(byId.err().contains("[snapshot_locked]") && byId.err().contains(target), byId.err());
            assertEquals(0, policy.json().get("removed").size(), policy.out());
            Cli.Result key = Cli.run(args("key", "remove", o, otherKey));
            assertTrue(key.code() == 1 && key.err().contains("[vault_locked]"), key.toString());
        }
        Thread.sleep(Math.max(0, passed - System.currentTimeMillis()));
        for (State st : State.values()) {
            if (st == State.UNLOCKED) {
                continue;
            }
            List<Object> o = opts.get(st);
            String target = targets.get(st);
            if (st == State.HELD) {
                Cli.Result held = Cli.run(args("forget", o, target));
                assertTrue(held.code() == 1 && held.err().contains("legal hold"), held.toString());
                assertEquals(0, Cli.run(args("hold", "remove", o, target, "--reason", "closed")).code());
            }
            Cli.Result gone = Cli.run(args("forget", o, target));
            assertEquals(0, gone.code(), gone.toString());
            Cli.Result listed = Cli.run(args("snapshots", o, "--json"));
            assertTrue(!listed.out().contains(target), listed.out());
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
