package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup plans run by the agents' schedulers: with three agents each slot runs once; the agent that
 * owns the plan killed mid-run hands it over (the run ends, the next slots run elsewhere); the plans
 * and their history survive a restart of every agent and of the broker; and a new cluster pointed at
 * the vault gets the plans back from the vault; a continuous plan puts a new file in a sealed
 * snapshot within its RPO.
 */
class PlansIT {
    private static final String PASSWORD = "plans run themselves";
    /** The scheduler's line when it starts a run: the run's id and its slot. */
    private static final Pattern STARTED = Pattern.compile("plan every5: run (every5/(\\d+)/\\d+) started");
    @TempDir
    Path tmp;
    private Path vault;
    private Path pw;

    private Object[] common(String bootstrap) {
        return new Object[] {"--bootstrap-servers", bootstrap, "--vault", vault, "--password-file", pw, "--state-dir",
            tmp.resolve("client")};
    }

    private Object[] agentArgs(String bootstrap) {
        return new Object[] {"--bootstrap-servers", bootstrap, "--vault", vault, "--password-file", pw,
            "-o", "scanner.threads=1", "-o", "chunker.threads=1", "-o", "uploader.threads=1",
            "-o", "transaction.timeout.ms=15000", "-o", "scheduler.refresh.ms=500", "-o", "scheduler.retry.backoff.ms=1000"};
    }

    private JsonNode runs(String bootstrap) {
        return runs(bootstrap, "every5");
    }

    private JsonNode runs(String bootstrap, String plan) {
        Cli.Result r = Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "runs", plan, "--json", "--limit", "1000"},
                common(bootstrap)));
        assertEquals(0, r.code(), r.toString());
        return r.json();
    }

    private JsonNode awaitRuns(String bootstrap, Predicate<JsonNode> until, long timeoutMs, String what) throws Exception {
        return awaitRuns(bootstrap, "every5", until, timeoutMs, what);
    }

    private JsonNode awaitRuns(String bootstrap, String plan, Predicate<JsonNode> until, long timeoutMs, String what)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonNode runs = runs(bootstrap, plan);
        while (!until.test(runs)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; runs: " + runs.toPrettyString());
            }
            Thread.sleep(500);
            runs = runs(bootstrap, plan);
        }
        return runs;
    }

    private static long count(JsonNode runs, Predicate<JsonNode> p) {
        long n = 0;
        for (JsonNode r : runs) {
            if (p.test(r)) {
                n++;
            }
        }
        return n;
    }

    private static boolean succeededAfter(JsonNode runs, long slotMs, String agentNot) {
        for (JsonNode r : runs) {
            if (r.get("state").asText().equals("succeeded") && Instant.parse(r.get("slot").asText()).toEpochMilli()
                    > slotMs && (agentNot == null || !r.get("agent").asText().equals(agentNot))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eachSlotRunsOnceAcrossAgentsAndThePlanOutlivesItsOwnerAndTheCluster() throws Exception {
        vault = tmp.resolve("vault");
        pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        Path src = tmp.resolve("src");
        SourceTree.full(src, 71);
        for (int i = 0; i < 40; i++) {
            SourceTree.write(src.resolve("bulk/f" + i), SourceTree.bytes(new Random(i), 400_000));
        }
        String killed;
        long killedSlot;
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster")); Agents agents = new Agents()) {
            String bs = broker.bootstrapServers();
            Map<String, Agents.Agent> byInstance = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                Agents.Agent a = agents.start(tmp.resolve("agent-" + i), agentArgs(bs));
                byInstance.put(a.instance(), a);
            }
            Cli.Result created = Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "create", "every5", "--path", src,
                "--schedule", "every 5s", "--keep-last", "3", "--tag", "it"}, common(bs)));
            assertEquals(0, created.code(), created.toString());
            assertFalse(created.out().contains("were not told"), created.toString());

            // Some slots run; then the owner dies while a run of it is going.
            JsonNode runs = awaitRuns(bs, r -> count(r, x -> x.get("state").asText().equals("succeeded")) >= 3, 120_000,
                    "three successful runs");
            // The owner says in its log when it starts a run: it is killed right then, mid-run.
            Map<Agents.Agent, Long> seen = new HashMap<>();
            for (Agents.Agent a : byInstance.values()) {
                seen.put(a, Files.size(a.log()));
            }
            Matcher started = null;
            Agents.Agent owner = null;
            long deadline = System.currentTimeMillis() + 60_000;
            while (started == null) {
                assertTrue(System.currentTimeMillis() < deadline, "no agent started a run within 60 s");
                for (Agents.Agent a : byInstance.values()) {
                    String fresh = Files.readString(a.log()).substring((int) (long) seen.get(a));
                    Matcher m = STARTED.matcher(fresh);
                    if (m.find()) {
                        started = m;
                        owner = a;
                        break;
                    }
                }
                Thread.sleep(10);
            }
            agents.kill(owner);
            killed = owner.instance();
            killedSlot = Long.parseLong(started.group(2));
            String runningId = started.group(1);

            runs = awaitRuns(bs, r -> succeededAfter(r, killedSlot, killed), 120_000, "a later slot run by another agent");
            JsonNode theRun = null;
            for (JsonNode r : runs) {
                if (r.get("id").asText().equals(runningId)) {
                    theRun = r;
                }
            }
            String end = theRun.get("state").asText();
            assertTrue(end.equals("succeeded") || end.equals("failed") || end.equals("running"), theRun.toString());
            runs = awaitRuns(bs, r -> {
                for (JsonNode x : r) {
                    if (x.get("id").asText().equals(runningId)) {
                        return !x.get("state").asText().equals("running");
                    }
                }
                return false;
            }, 120_000, "the killed owner's run to end");
            assertExactlyOncePerSlot(runs);
        }

        // Every agent and the broker stopped (the try above closed them); started again: the history
        // is there and the plan goes on.
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster")); Agents agents = new Agents()) {
            String bs = broker.bootstrapServers();
            int before = runs(bs).size();
            assertTrue(before >= 4, "the history survived the restart: " + before);
            long restartedAt = System.currentTimeMillis();
            agents.start(tmp.resolve("agent-0"), agentArgs(bs));
            JsonNode runs = awaitRuns(bs, r -> succeededAfter(r, restartedAt, null), 120_000, "a run after the restart");
            assertExactlyOncePerSlot(runs);

            // A plan that names a copy target brings the copy up to date after each run.
            Path copy = tmp.resolve("copy");
            assertEquals(0, Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "edit", "every5", "--copy-to", copy},
                    common(bs))).code());
            long editedAt = System.currentTimeMillis();
            runs = awaitRuns(bs, r -> {
                for (JsonNode x : r) {
                    if (x.get("state").asText().equals("succeeded") && Instant.parse(x.get("start").asText()).toEpochMilli()
                            > editedAt + 1000 && x.get("note").asText("").contains("copy to " + copy)) {
                        return true;
                    }
                }
                return false;
            }, 60_000, "a run that copied");
            String copied = null;
            for (JsonNode x : runs) {
                if (copied == null && x.get("note").asText("").contains("copy to " + copy)) {
                    copied = x.get("snapshot").asText();
                }
            }
            Cli.Result fromCopy = Cli.run("restore", copied, "--target", tmp.resolve("restored-copy"), "--vault", copy,
                    "--password-file", pw);
            assertEquals(0, fromCopy.code(), fromCopy.toString());
            TreeAssert.assertSameTree(tmp.resolve("src"), tmp.resolve("restored-copy"));
            assertEquals(0, Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "edit", "every5", "--copy-to", ""},
                    common(bs))).code());
        }

        // A new cluster pointed at the vault: the plan comes back from the vault.
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster-2")); Agents agents = new Agents()) {
            String bs = broker.bootstrapServers();
            agents.start(tmp.resolve("agent-new"), agentArgs(bs));
            Cli.Result list = Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "list", "--json"}, common(bs)));
            assertEquals(0, list.code(), list.toString());
            assertEquals("every5", list.json().get(0).get("name").asText());
            awaitRuns(bs, r -> count(r, x -> x.get("state").asText().equals("succeeded")) >= 1, 120_000,
                    "a run on the new cluster");

            // Continuous mode: a file written into the watched tree is in a sealed snapshot within the RPO.
            Path live = Files.createDirectories(tmp.resolve("live/a/b"));
            Files.writeString(live.resolve("old.txt"), "before the plan");
            Cli.Result cont = Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "create", "live", "--path",
                tmp.resolve("live"), "--continuous", "--rpo", "30s"}, common(bs)));
            assertEquals(0, cont.code(), cont.toString());
            awaitRuns(bs, "live", r -> count(r, x -> x.get("state").asText().equals("succeeded")) >= 1, 60_000,
                    "the first continuous run (what changed while nobody watched)");
            Thread.sleep(3000);
            long wrote = System.currentTimeMillis();
            Files.writeString(live.resolve("new.txt"), "written at " + wrote);
            JsonNode liveRuns = awaitRuns(bs, "live", r -> {
                for (JsonNode x : r) {
                    if (x.get("trigger").asText().equals("change") && x.get("state").asText().equals("succeeded")
                            && Instant.parse(x.get("start").asText()).toEpochMilli() > wrote) {
                        return true;
                    }
                }
                return false;
            }, 30_000, "a snapshot with the new file within the RPO (30 s)");
            String snap = liveRuns.get(0).get("snapshot").asText();
            Path out = tmp.resolve("restored-live");
            Cli.Result restored = Cli.run("restore", snap, "--target", out, "--vault", vault, "--password-file", pw);
            assertEquals(0, restored.code(), restored.toString());
            assertEquals("written at " + wrote, Files.readString(out.resolve("a/b/new.txt")));
            assertEquals(0, Cli.run(BackupRestoreIT.concat(new Object[] {"plan", "delete", "live"}, common(bs))).code());
        }

        // The retention kept the newest 3 of the plan's snapshots, and every snapshot restores.
        try (Vault v = Vault.open(Storages.open(vault.toString()), PASSWORD.toCharArray())) {
            List<SnapshotRef> mine = new ArrayList<>();
            for (SnapshotRef s : v.listSnapshots()) {
                if (s.snapshot().tags().contains("plan:every5")) {
                    assertTrue(s.snapshot().tags().contains("it"), s.snapshot().tags().toString());
                    mine.add(s);
                }
            }
            assertTrue(mine.size() <= 4 && mine.size() >= 1, "--keep-last 3 after each run (one more may be sealing): "
                    + mine.size());
            SnapshotRef latest = mine.get(mine.size() - 1);
            Path out = tmp.resolve("restored");
            Cli.Result r = Cli.run("restore", latest.id(), "--target", out, "--vault", vault, "--password-file", pw);
            assertEquals(0, r.code(), r.toString());
            TreeAssert.assertSameTree(src, out);
        }

        // The agents recorded the capacity after the plans' backups (and their retention's forgets): the
        // plan's share is there, and every record's shares add up (docs/capacity.md).
        Cli.Result h = Cli.run("stats", "--history", "--json", "--vault", vault, "--password-file", pw);
        assertEquals(0, h.code(), h.toString());
        Set<String> triggers = new HashSet<>();
        long withPlan = 0;
        for (JsonNode rec : h.json()) {
            triggers.add(rec.get("trigger").asText());
            long sum = 0;
            for (JsonNode share : rec.get("plans")) {
                sum += share.asLong();
            }
            assertEquals(rec.get("stored_bytes").asLong(), sum, rec.toString());
            if (rec.get("trigger").asText().equals("backup") && rec.get("plans").path("every5").asLong() > 0) {
                withPlan++;
            }
        }
        assertTrue(withPlan > 0 && triggers.contains("forget"), "records after the plan's runs and its retention: "
                + h.out());
    }

    /** No slot has two runs that did the work, and no two runs share a job. */
    private static void assertExactlyOncePerSlot(JsonNode runs) {
        Set<String> slots = new HashSet<>();
        Set<String> jobs = new HashSet<>();
        for (JsonNode r : runs) {
            String state = r.get("state").asText();
            if (state.equals("skipped")) {
                continue;
            }
            if (r.get("attempt").asInt() == 1) {
                assertTrue(slots.add(r.get("slot").asText()), "slot " + r.get("slot") + " ran twice: " + runs.toPrettyString());
            }
            if (!r.get("job").isNull()) {
                assertTrue(jobs.add(r.get("job").asText()), "job " + r.get("job") + " twice");
                assertNotEquals(UUID.nameUUIDFromBytes(new byte[0]).toString(), r.get("job").asText());
            }
        }
    }
}
