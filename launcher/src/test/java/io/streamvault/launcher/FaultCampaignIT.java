package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault campaign (docs/reliability.md) with one round per scenario by default; bench/faults.sh
 * runs it with more ({@code -Dfaults.rounds=N}, {@code -Dfaults.seed=S},
 * {@code -Dfaults.transaction.timeout.ms=T}, {@code -Dfaults.scenarios=all} or a list such as {@code backup,disk}, and {@code -Dfaults.report=FILE} for the table). Prints
 * the table; nothing may be lost, every rerun completes, and {@code check --read-data} finds no error.
 */
class FaultCampaignIT {
    /** The transaction timeout of the campaign's workers by default (the other agent tests use it too). */
    private static final int TRANSACTION_TIMEOUT_MS = 15_000;
    /**
     * The scenarios bin/test runs: all but the killed single agent (40 s; the three-agent round kills
     * an agent too, and a command takes over its roles in the full-disk and one-shot rounds), the
     * embedded broker's restart (its agent takes 25-30 s to be ready again, once over 2 minutes) and
     * the separate broker's (44 s for one round: a broker and two agents to start, and a broker
     * restarted after a SIGKILL answers only after 12 s), so that the campaign stays near two and a
     * half minutes and the suite under twenty.
     * bench/faults.sh runs all ({@code -Dfaults.scenarios=all}).
     */
    private static final String QUICK = "backup,agent3,restore,copy,forget,storage,disk";
    @TempDir
    Path tmp;

    @Test
    void killsAndStorageFaultsLoseNothing() throws Exception {
        int rounds = Integer.getInteger("faults.rounds", 1);
        long seed = Long.getLong("faults.seed", System.currentTimeMillis());
        int timeout = Integer.getInteger("faults.transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        System.err.println("FaultCampaignIT: " + rounds + " round(s) per scenario, seed " + seed);
        List<FaultTally> tallies = new ArrayList<>();
        FaultTally control = null;
        try (FaultCampaign campaign = new FaultCampaign(tmp, rounds, seed, timeout)) {
            String only = System.getProperty("faults.scenarios", QUICK);
            tallies.addAll(campaign.run(only.equals("all") ? Set.of() : Set.of(only.split(","))));
            control = campaign.control();
        } finally {
            String table = FaultTally.table(tallies);
            System.out.println("Fault campaign (" + rounds + " round(s) per scenario, seed " + seed + "):\n" + table);
            String report = System.getProperty("faults.report");
            if (report != null) {
                Files.writeString(Path.of(report), table, StandardCharsets.UTF_8);
            }
        }
        assertTrue(control.lost > 0 && control.checkErrors > 0, "the counting sees a deleted snapshot and a damaged pack: "
                + control.problems);
        List<String> problems = new ArrayList<>();
        tallies.forEach(t -> problems.addAll(t.problems));
        for (FaultTally t : tallies) {
            assertEquals(0, t.lost, t.scenario + " lost snapshots: " + problems);
            assertEquals(0, t.incomplete, t.scenario + ": reruns did not complete: " + problems);
            assertEquals(0, t.checkErrors, t.scenario + ": check --read-data found errors: " + problems);
            assertEquals(0, t.unclear, t.scenario + ": failures without one clear line: " + problems);
            assertTrue(t.skipped != null || t.rounds == rounds, t.scenario + " ran every round");
            assertEquals(t.rounds, t.survived, t.scenario + ": rounds that did not survive (an agent that died): " + problems);
        }
    }
}
