package io.streamvault.launcher;

import io.streamvault.broker.LocalBroker;
import io.streamvault.vault.Azurite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fault campaign of docs/reliability.md: each scenario kills or starves a streamvault process
 * at random moments, runs the same operation again, and counts what survived. Run with few rounds
 * by {@code FaultCampaignIT} (bin/test) and with many by {@code bench/faults.sh}.
 */
final class FaultCampaign implements AutoCloseable {
    /** How long a rerun may take before it counts as not completing (and is killed). */
    static final long RERUN_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(3);
    /** How many snapshots the forget rounds keep (keep-last). */
    static final int KEEP_LAST = 3;
    /** A failed command's last line on stderr: {@code streamvault: MESSAGE [code]}. */
    private static final Pattern CLEAR_LINE = Pattern.compile("streamvault: .+ \\[[a-z_]+\\]");
    private static final String PASSWORD = "the fault campaign";
    /** The share of storage requests that meet a fault in the storage rounds. */
    private static final double STORAGE_FAULT_RATE = 0.15;
    /**
     * How long the full-disk backups retry before they stop (retry.timeout.ms): a full disk is
     * retried as a transient failure would be, and the campaign need not wait the default 2 minutes.
     */
    private static final long FULL_DISK_RETRY_MS = 15_000;
    /**
     * How long an agent restarted after a SIGKILL may take to be ready: its embedded broker recovers
     * its logs and aborts what the dead processes left open only after transaction.timeout.ms.
     */
    private static final Duration AGENT_RESTART_WAIT = Duration.ofMinutes(4);

    private final Path tmp;
    private final int rounds;
    private final int transactionTimeoutMs;
    private final Random rnd;
    private final LocalBroker broker;
    private final Path pw;
    private final Children children;
    private final Path live;
    private final VaultWatch main;
    private int files;
    /** The last duration of each kind of operation, in ms: kills land uniformly within it. */
    private final Map<String, Long> durations = new HashMap<>();

    FaultCampaign(Path tmp, int rounds, long seed, int transactionTimeoutMs) throws Exception {
        this.tmp = tmp;
        this.rounds = rounds;
        this.transactionTimeoutMs = transactionTimeoutMs;
        this.rnd = new Random(seed);
        this.pw = Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
        this.children = new Children(tmp.resolve("logs"), Map.of());
        this.broker = LocalBroker.acquire(tmp.resolve("cluster"));
        this.live = tmp.resolve("live");
        Path vault = tmp.resolve("vault");
        this.main = new VaultWatch(vault.toString(), pw, Files.createDirectories(tmp.resolve("main")), Cli::run, rnd);
        Cli.Result init = Cli.run("init", "--vault", vault, "--password-file", pw);
        if (init.code() != 0) {
            throw new IllegalStateException("init failed: " + init);
        }
        seed(live);
    }

    /** A scenario of the campaign, by its short name. */
    private interface Scenario {
        FaultTally run() throws Exception;
    }

    /**
     * The scenarios named in {@code only} (short names: backup, agent1, agent3, restore, copy, forget,
     * storage, broker, xbroker, disk; all when empty), in the campaign's order: the main vault's snapshots
     * carry over from one to the next.
     */
    List<FaultTally> run(Set<String> only) throws Exception {
        Map<String, Scenario> all = new LinkedHashMap<>();
        all.put("backup", this::backupKilled);
        all.put("agent1", () -> agentKilled(1));
        all.put("agent3", () -> agentKilled(3));
        all.put("restore", this::restoreKilled);
        all.put("copy", this::copyKilled);
        all.put("forget", this::forgetAndGcKilled);
        all.put("storage", this::storageFaults);
        all.put("broker", this::embeddedBrokerKilled);
        all.put("xbroker", this::separateBrokerKilled);
        all.put("disk", this::fullDisk);
        if (!all.keySet().containsAll(only)) {
            throw new IllegalArgumentException("unknown scenarios " + only + "; known: " + all.keySet());
        }
        List<FaultTally> out = new ArrayList<>();
        for (Map.Entry<String, Scenario> e : all.entrySet()) {
            if (only.isEmpty() || only.contains(e.getKey())) {
                long start = System.nanoTime();
                FaultTally t;
                try {
                    t = e.getValue().run();
                } catch (Exception | AssertionError x) {
                    t = new FaultTally(e.getKey());
                    t.incomplete++;
                    t.problem("the scenario stopped: " + x);
                    x.printStackTrace();
                }
                System.err.println("FaultCampaign: " + t.scenario + " took " + seconds(TimeUnit.NANOSECONDS.toMillis(
                        System.nanoTime() - start)) + " s");
                out.add(t);
            }
        }
        return out;
    }

    // ---- scenarios

    /** kill -9 of a one-shot backup (it runs every role itself) at a random moment; the same backup again. */
    FaultTally backupKilled() throws Exception {
        FaultTally t = new FaultTally("backup killed (one-shot)");
        int endedFirst = 0;
        for (int r = 0; r < rounds; r++) {
            mutate(live);
            main.round(live);
            Children.Child c = children.start(backupArgs("client"));
            endedFirst += killAt(c, "backup") ? 1 : 0;
            boolean ok = rerun(t, "backup", backupArgs("client"));
            finishRound(t, ok & main.verify(t, r == rounds - 1));
        }
        if (endedFirst > 0) {
            t.notes.add(endedFirst + " kill(s) after the backup had ended");
        }
        return t;
    }

    /**
     * kill -9 of one of {@code n} agents (each running every role) while a backup command (that only
     * submits the job and follows it) runs; the command completes the job or fails cleanly, then runs
     * again. Measured: how much longer a backup with a killed agent takes (the consumers' session
     * timeout and a rebalance; the dead agent's open transactions are ended by the survivors then).
     */
    FaultTally agentKilled(int n) throws Exception {
        FaultTally t = new FaultTally("agent killed during a backup (" + n + " agent" + (n > 1 ? "s" : "") + ")");
        List<Long> killed = new ArrayList<>();
        long clean;
        try (Agents agents = new Agents()) {
            Agents.Agent[] a = new Agents.Agent[n];
            Object[] agentArgs = concat(cluster(), "-o", "scanner.threads=1", "-o", "chunker.threads=1",
                    "-o", "uploader.threads=1", "-o", "uploader.pack.bytes=1048576");
            for (int i = 0; i < n; i++) {
                a[i] = agents.start(tmp.resolve("agent-" + n + "-" + i), agentArgs);
            }
            // Twice: the first backup of fresh agents is slower (their JIT is cold); the stall is measured
            // against the second, and the kills land in its first 60%, while the backup surely runs.
            clean = 6000;
            for (int i = 0; i < 2; i++) {
                mutate(live);
                main.round(live);
                Cli.Result base = timed("agent-backup", backupArgs("agent-client"));
                if (base == null || base.code() != 0) {
                    t.problem("the backup with every agent alive failed: " + base);
                    t.incomplete++;
                } else {
                    clean = durations.get("agent-backup");
                }
            }
            int endedFirst = 0;
            int orphans = 0;
            for (int r = 0; r < rounds; r++) {
                mutate(live);
                main.round(live);
                Children.Child c = children.start(backupArgs("agent-client"));
                Thread.sleep(100 + (long) (rnd.nextDouble() * clean * 0.6));
                int victim = rnd.nextInt(n);
                boolean midway = c.process().isAlive();
                agents.kill(a[victim]);
                Cli.Result first = Children.await(c, RERUN_TIMEOUT_MS);
                orphans += first == null ? 0 : orphansEnded(first.err()); // one agent: the command took its roles
                boolean ok;
                if (first != null && first.code() == 0) {
                    if (midway) {
                        killed.add(c.elapsedMs());
                    } else {
                        endedFirst++;
                    }
                    ok = true;
                } else {
                    clearOrCount(t, first);
                    ok = rerun(t, "agent-backup", backupArgs("agent-client"));
                }
                if (r < rounds - 1) {
                    orphans += orphansEnded(a[victim].log()); // from its life before the kill: the restart truncates it
                    a[victim] = agents.start(tmp.resolve("agent-" + n + "-" + victim), agentArgs);
                }
                finishRound(t, ok & main.verify(t, r == rounds - 1));
            }
            for (Agents.Agent x : a) {
                orphans += orphansEnded(x.log());
            }
            if (endedFirst > 0) {
                t.notes.add(endedFirst + " kill(s) after the backup had ended");
            }
            t.notes.add("the survivors ended a dead agent's open transactions " + orphans + " time(s)");
        }
        t.notes.add("backup " + seconds(clean) + " s with every agent alive, " + (killed.isEmpty() ? "-"
                : seconds(median(killed)) + " s (" + killed.stream().map(FaultCampaign::seconds).toList() + ")")
                + " with one killed mid-way (transaction.timeout.ms " + transactionTimeoutMs + ")");
        return t;
    }

    /** kill -9 of a restore at a random moment; the same restore again into the same target. */
    FaultTally restoreKilled() throws Exception {
        FaultTally t = new FaultTally("restore killed");
        List<String> snaps = main.snapshots();
        for (int r = 0; r < rounds; r++) {
            String id = snaps.get(snaps.size() - 1 - rnd.nextInt(Math.min(3, snaps.size())));
            Path target = tmp.resolve("restore-killed-" + r);
            Object[] args = {"restore", id, "--target", target, "--vault", main.vault(), "--password-file", pw};
            killAt(children.start(args), "restore");
            boolean ok = rerun(t, "restore", args);
            if (ok) {
                try {
                    TreeAssert.assertSameTree(main.treeOf(id), target);
                } catch (AssertionError e) {
                    ok = false;
                    t.lost++;
                    t.problem("the restore of " + id + " rerun after a kill differs from the source: " + e.getMessage());
                }
            }
            VaultWatch.delete(target);
            finishRound(t, ok);
        }
        return t;
    }

    /** kill -9 of {@code copy --once} to a second vault at a random moment; the same copy again. */
    FaultTally copyKilled() throws Exception {
        FaultTally t = new FaultTally("copy --once killed");
        Path target = tmp.resolve("copy-vault");
        VaultWatch copy = new VaultWatch(target.toString(), pw, Files.createDirectories(tmp.resolve("copy")), Cli::run, rnd);
        for (int r = 0; r < rounds; r++) {
            mutate(live);
            main.round(live);
            Cli.Result b = Cli.run(backupArgs("client"));
            if (b.code() != 0) {
                t.problem("backup before the copy failed: " + b);
            }
            Object[] args = concat(new Object[] {"copy", "--to", target, "--once", "--json", "--state-dir",
                tmp.resolve("copy-state")}, cluster());
            killAt(children.start(args), "copy");
            boolean ok = rerun(t, "copy", args);
            main.verify(t, false); // learns the new snapshot
            copy.expectAll(main);
            finishRound(t, ok & copy.verify(t, r == rounds - 1));
        }
        return t;
    }

    /** kill -9 of {@code forget --keep-last N --prune} (its collection included) at a random moment; the same again. */
    FaultTally forgetAndGcKilled() throws Exception {
        FaultTally t = new FaultTally("forget --prune killed");
        for (int r = 0; r < rounds; r++) {
            mutate(live);
            main.round(live);
            Cli.Result b = Cli.run(backupArgs("client"));
            if (b.code() != 0) {
                t.problem("backup before the forget failed: " + b);
            }
            main.verify(t, false); // learns the new snapshot
            List<String> known = main.snapshots();
            Set<String> removable = new HashSet<>(known.subList(0, Math.max(0, known.size() - KEEP_LAST)));
            Object[] args = concat(new Object[] {"forget", "--keep-last", KEEP_LAST, "--prune", "--json",
                "--state-dir", tmp.resolve("forget-state")}, cluster());
            killAt(children.start(args), "forget");
            boolean ok = rerun(t, "forget", args);
            main.forgotten(removable);
            finishRound(t, ok & main.verify(t, r == rounds - 1));
        }
        return t;
    }

    /**
     * kill -9 of an agent that runs the embedded broker of its state directory while a backup command
     * of the same state directory follows the job it handed over; the agent (and its broker) restarted,
     * the same backup again.
     */
    FaultTally embeddedBrokerKilled() throws Exception {
        FaultTally t = new FaultTally("embedded broker killed (its agent) and restarted during a backup");
        VaultWatch w = newVault("embedded");
        Path state = tmp.resolve("embedded-state");
        Object[] agentArgs = {"--vault", w.vault(), "--password-file", pw, "-o", "transaction.timeout.ms=" + transactionTimeoutMs,
            "-o", "uploader.pack.bytes=1048576"};
        Object[] backup = {"backup", live, "--json", "--vault", w.vault(), "--password-file", pw, "--state-dir", state};
        List<Long> ready = new ArrayList<>();
        try (Agents agents = new Agents()) {
            Agents.Agent agent = agents.start(state, agentArgs);
            w.round(live);
            Cli.Result base = timed("embedded-backup", backup);
            if (base == null || base.code() != 0) {
                t.problem("the backup before any kill failed: " + base);
                t.incomplete++;
            }
            for (int r = 0; r < rounds; r++) {
                mutate(live);
                w.round(live);
                Children.Child c = children.start(backup);
                Thread.sleep(delay("embedded-backup"));
                agents.kill(agent);
                clearOrCount(t, Children.await(c, RERUN_TIMEOUT_MS));
                long restart = System.nanoTime();
                agent = agents.start(AGENT_RESTART_WAIT, state, agentArgs);
                ready.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart));
                boolean ok = rerun(t, "embedded-backup", backup);
                finishRound(t, ok & w.verify(t, r == rounds - 1));
            }
        }
        if (!ready.isEmpty()) {
            t.notes.add("the agent was ready again " + seconds(median(ready)) + " s (median) after its restart");
        }
        return t;
    }

    /**
     * kill -9 of a broker that runs as its own process ({@code streamvault broker}) during a backup
     * that two agents given its address run (the command hands the job to the first, as a backup of
     * an agent's state directory does, and runs no role itself; every file is read again); the broker
     * restarted on its state directory after a random pause, on the same address; the agents are not
     * restarted. The command completes or stops with one clear line, the same backup again completes:
     * the agents reconnected.
     */
    FaultTally separateBrokerKilled() throws Exception {
        FaultTally t = new FaultTally("separate broker (streamvault broker) killed and restarted during a backup (2 agents)");
        VaultWatch w = newVault("xbroker");
        Object[] brokerArgs = {"broker", "--state-dir", tmp.resolve("xbroker-state"), "--registry-listen", "none"};
        Children.Child broker = children.start(brokerArgs);
        List<Long> brokerStarts = new ArrayList<>();
        List<Long> resumed = new ArrayList<>();
        List<Long> reruns = new ArrayList<>();
        int endedFirst = 0;
        try (Agents agents = new Agents()) {
            String bootstrap = bootstrapOf(broker);
            Object[] agentArgs = {"--bootstrap-servers", bootstrap, "--vault", w.vault(), "--password-file", pw, "-o",
                "transaction.timeout.ms=" + transactionTimeoutMs, "-o", "uploader.pack.bytes=1048576"};
            Path[] states = {tmp.resolve("xbroker-agent-0"), tmp.resolve("xbroker-agent-1")};
            Agents.Agent[] a = {agents.start(states[0], agentArgs), agents.start(states[1], agentArgs)};
            // --force-read: every file is read, chunked and looked up again, so that the agents' work spans the
            // whole tree, not only a round's change
            Object[] backup = {"backup", live, "--json", "--force-read", "--vault", w.vault(), "--password-file", pw,
                "--state-dir", states[0], "--bootstrap-servers", bootstrap};
            Cli.Result base = null;
            // Two backups of a round's change: the second times warm agents, and the kills land within such a backup.
            for (int i = 0; i < 2; i++) {
                mutate(live);
                w.round(live);
                base = timed("xbroker-backup", backup);
            }
            if (base == null || base.code() != 0) {
                t.problem("the backup before any kill failed: " + base);
                t.incomplete++;
            }
            long clean = durations.getOrDefault("xbroker-backup", -1L);
            for (int r = 0; r < rounds; r++) {
                mutate(live);
                w.round(live);
                Children.Child c = children.start(backup);
                Thread.sleep(delay("xbroker-backup"));
                boolean ended = !c.process().isAlive();
                endedFirst += ended ? 1 : 0;
                Children.kill(broker);
                Thread.sleep(500 + rnd.nextInt(2500));
                long start = System.nanoTime();
                broker = children.start(brokerArgs);
                String again = bootstrapOf(broker);
                long restarted = System.nanoTime();
                brokerStarts.add(TimeUnit.NANOSECONDS.toMillis(restarted - start));
                if (!again.equals(bootstrap)) {
                    t.problem("the restarted broker listens at " + again + ", not at " + bootstrap + " where the agents look");
                }
                Cli.Result first = Children.await(c, RERUN_TIMEOUT_MS);
                if (first == null) {
                    t.unclear++;
                    t.problem("the interrupted backup neither completed nor stopped within " + RERUN_TIMEOUT_MS / 1000 + " s");
                } else if (first.code() == 0 && !ended) {
                    resumed.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
                }
                clearOrCount(t, first);
                boolean ok = rerun(t, "xbroker-rerun", backup);
                if (ok) {
                    reruns.add(durations.get("xbroker-rerun"));
                }
                for (int i = 0; i < a.length; i++) {
                    if (!a[i].process().isAlive()) {
                        ok = false;
                        t.problem("agent " + i + " died with the broker (restarted): " + Files.readString(a[i].log()));
                        a[i] = agents.start(states[i], agentArgs);
                    }
                }
                finishRound(t, ok & w.verify(t, r == rounds - 1));
            }
            t.notes.add("backup " + seconds(clean) + " s before any kill; the restarted broker answered after "
                    + seconds(median(brokerStarts)) + " s (median); the interrupted backup completed " + (resumed.isEmpty()
                    ? "-" : seconds(median(resumed))) + " s (median of " + resumed.size() + ") after the broker answered;"
                    + " the rerun took " + (reruns.isEmpty() ? "-" : seconds(median(reruns))) + " s (median)"
                    + (endedFirst > 0 ? "; " + endedFirst + " kill(s) after the backup had ended" : ""));
        } finally {
            Children.kill(broker);
        }
        return t;
    }

    /**
     * A local vault on a small file system (tmpfs with a size limit) that fills up during a backup:
     * the backup stops with one clear line, no snapshot is listed that does not restore, check finds
     * no error; with space freed, the same backup completes.
     */
    FaultTally fullDisk() throws Exception {
        FaultTally t = new FaultTally("vault's file system full during a backup");
        Path mount = Files.createDirectories(tmp.resolve("small-fs"));
        String why = mount(mount, 4L << 20);
        if (why != null) {
            t.skipped = why;
            return t;
        }
        try {
            Path vault = mount.resolve("vault");
            Cli.Result init = Cli.run("init", "--vault", vault, "--password-file", pw);
            if (init.code() != 0) {
                throw new IllegalStateException("init failed: " + init);
            }
            VaultWatch w = new VaultWatch(vault.toString(), pw, Files.createDirectories(tmp.resolve("full")), Cli::run, rnd);
            Object[] backup = {"backup", live, "--json", "--vault", vault, "--password-file", pw, "--state-dir",
                tmp.resolve("full-client"), "--bootstrap-servers", broker.bootstrapServers(), "-o",
                "transaction.timeout.ms=" + transactionTimeoutMs, "-o", "uploader.pack.bytes=1048576", "-o",
                "retry.timeout.ms=" + FULL_DISK_RETRY_MS};
            int fitted = 0;
            for (int r = 0; r < rounds; r++) {
                mutate(live);
                w.round(live);
                long used = used(mount);
                remount(mount, used + (256L << 10) + rnd.nextInt(2 << 20));
                Cli.Result full = children.run(RERUN_TIMEOUT_MS, backup);
                if (full != null && full.code() == 0) {
                    fitted++;
                } else {
                    clearOrCount(t, full);
                }
                boolean ok = w.verify(t, false);
                remount(mount, used(mount) + (1L << 30));
                ok &= rerun(t, "full-backup", backup);
                finishRound(t, ok & w.verify(t, r == rounds - 1));
            }
            if (fitted > 0) {
                t.notes.add(fitted + " backup(s) fitted in the space left");
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
        return t;
    }

    /**
     * Backups and restores of a vault on Azurite through {@link FaultProxy} (latency, 503, 429, resets
     * before and after the request took effect, answers cut off), and Azurite killed and restarted
     * during every other backup: each completes exactly or stops with one clear line, and a rerun
     * without faults completes. The vault is checked directly, not through the proxy.
     */
    FaultTally storageFaults() throws Exception {
        FaultTally t = new FaultTally("storage faults (proxy: latency, 503, 429, resets, cut answers; Azurite restarted)");
        try (Azurite azurite = Azurite.start(tmp.resolve("azurite")); FaultProxy proxy = FaultProxy.start(azurite.port(),
                rnd.nextLong())) {
            String direct = azurite.connectionString();
            String faulty = direct.replace(":" + azurite.port() + "/", ":" + proxy.port() + "/");
            Children viaProxy = new Children(tmp.resolve("logs-proxy"), Map.of("AZURE_STORAGE_CONNECTION_STRING", faulty));
            Children straight = new Children(tmp.resolve("logs-azure"), Map.of("AZURE_STORAGE_CONNECTION_STRING", direct));
            String vault = "azure://faults";
            VaultWatch w = new VaultWatch(vault, pw, Files.createDirectories(tmp.resolve("azure")),
                    args -> straight.run(RERUN_TIMEOUT_MS, args), rnd);
            Cli.Result init = straight.run(RERUN_TIMEOUT_MS, "init", "--vault", vault, "--password-file", pw);
            if (init == null || init.code() != 0) {
                throw new IllegalStateException("init failed: " + init);
            }
            Object[] backup = {"backup", live, "--json", "--vault", vault, "--password-file", pw, "--state-dir",
                tmp.resolve("azure-client"), "--bootstrap-servers", broker.bootstrapServers(), "-o",
                "transaction.timeout.ms=" + transactionTimeoutMs, "-o", "uploader.pack.bytes=1048576"};
            int stopped = 0;
            int restarts = 0;
            for (int r = 0; r < rounds; r++) {
                mutate(live);
                w.round(live);
                proxy.rate(STORAGE_FAULT_RATE);
                Children.Child c = viaProxy.start(backup);
                if (r % 2 == 0) {
                    Thread.sleep(delay("azure-backup"));
                    azurite.stop();
                    Thread.sleep(500 + rnd.nextInt(2500));
                    azurite.start();
                    restarts++;
                }
                Cli.Result b = Children.await(c, RERUN_TIMEOUT_MS);
                boolean ok = true;
                if (b == null || b.code() != 0) {
                    stopped++;
                    clearOrCount(t, b);
                    proxy.rate(0);
                    ok = rerunWith(t, viaProxy, "azure-backup", backup);
                } else {
                    durations.put("azure-backup", c.elapsedMs());
                }
                proxy.rate(STORAGE_FAULT_RATE);
                Path target = tmp.resolve("azure-restore-" + r);
                ok &= w.verify(t, r == rounds - 1); // learns the new snapshot
                List<String> snaps = w.snapshots();
                String id = snaps.get(snaps.size() - 1);
                Object[] restore = {"restore", id, "--target", target, "--vault", vault, "--password-file", pw};
                Cli.Result rs = viaProxy.run(RERUN_TIMEOUT_MS, restore);
                if (rs == null || rs.code() != 0) {
                    stopped++;
                    clearOrCount(t, rs);
                    proxy.rate(0);
                    ok &= rerunWith(t, viaProxy, "azure-restore", restore);
                }
                try {
                    TreeAssert.assertSameTree(w.treeOf(id), target);
                } catch (AssertionError e) {
                    ok = false;
                    t.lost++;
                    t.problem("a restore through the faults differs from the source: " + e.getMessage());
                }
                VaultWatch.delete(target);
                proxy.rate(0);
                finishRound(t, ok);
            }
            t.notes.add(proxy.requests() + " requests, faults: " + proxy.injected() + "; Azurite restarted " + restarts
                    + " time(s); " + stopped + " command(s) stopped with a clear line and were rerun");
        }
        return t;
    }

    /**
     * The negative control: a copy of the main vault with its newest snapshot object deleted and one
     * byte of a pack flipped. The campaign's counting must see both (a counter that cannot count is
     * no evidence): the returned tally must show a loss and a check error.
     */
    FaultTally control() throws Exception {
        FaultTally t = new FaultTally("control: a damaged copy of the vault");
        if (main.snapshots().isEmpty()) { // only scenarios with vaults of their own ran (broker, xbroker, disk)
            main.round(live);
            Cli.Result b = Cli.run(backupArgs("client"));
            if (b.code() != 0 || !main.verify(t, false)) {
                throw new IllegalStateException("the control's backup failed: " + b + " " + t.problems);
            }
        }
        Path damaged = tmp.resolve("damaged-vault");
        Process cp = new ProcessBuilder("cp", "-a", main.vault(), damaged.toString()).inheritIO().start();
        if (cp.waitFor() != 0) {
            throw new IOException("cp -a of the vault failed");
        }
        VaultWatch w = new VaultWatch(damaged.toString(), pw, Files.createDirectories(tmp.resolve("control")), Cli::run, rnd);
        w.expectAll(main);
        List<String> snaps = main.snapshots();
        Files.delete(damaged.resolve("snapshots").resolve(snaps.get(snaps.size() - 1)));
        Path pack;
        try (Stream<Path> s = Files.walk(damaged.resolve("data"))) {
            pack = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).findFirst()
                    .orElseThrow();
        }
        byte[] b = Files.readAllBytes(pack);
        b[b.length / 2] ^= 0x40;
        Files.write(pack, b);
        w.verify(t, true);
        return t;
    }

    // ---- the parts of a round

    /** Sleeps a random part of the operation's last duration, then kills it; true if it had ended first. */
    private boolean killAt(Children.Child c, String kind) throws InterruptedException {
        Thread.sleep(delay(kind));
        return Children.kill(c);
    }

    private long delay(String kind) {
        long d = durations.getOrDefault(kind, 6000L);
        return 100 + (long) (rnd.nextDouble() * d);
    }

    /** Runs the operation again (a child process, timed); counts it when it does not complete. */
    private boolean rerun(FaultTally t, String kind, Object... args) throws Exception {
        Cli.Result r = timed(kind, args);
        if (r != null && r.code() == 0) {
            return true;
        }
        t.incomplete++;
        t.problem("the rerun of " + kind + " did not complete: " + (r == null ? "no end within "
                + RERUN_TIMEOUT_MS / 1000 + " s" : r.toString()));
        clearOrCount(t, r);
        return false;
    }

    private boolean rerunWith(FaultTally t, Children via, String kind, Object... args) throws Exception {
        Cli.Result r = Children.await(via.start(args), RERUN_TIMEOUT_MS);
        if (r != null && r.code() == 0) {
            return true;
        }
        t.incomplete++;
        t.problem("the rerun of " + kind + " did not complete: " + (r == null ? "no end within "
                + RERUN_TIMEOUT_MS / 1000 + " s" : r.toString()));
        clearOrCount(t, r);
        return false;
    }

    private Cli.Result timed(String kind, Object... args) throws Exception {
        Children.Child c = children.start(args);
        Cli.Result r = Children.await(c, RERUN_TIMEOUT_MS);
        if (r != null && r.code() == 0) {
            durations.put(kind, c.elapsedMs());
        }
        return r;
    }

    /** A failed command must end with one clear line on stderr (streamvault: MESSAGE [code]). */
    private void clearOrCount(FaultTally t, Cli.Result r) {
        if (r == null || r.code() == 0) {
            return;
        }
        List<String> lines = r.err().strip().lines().filter(l -> l.startsWith("streamvault: ")).toList();
        if (lines.size() != 1 || !CLEAR_LINE.matcher(lines.get(0)).matches()) {
            t.unclear++;
            t.problem("a failure without one clear line: " + r);
        } else {
            t.stopped(lines.get(0));
        }
    }

    private void finishRound(FaultTally t, boolean survived) {
        t.rounds++;
        if (survived) {
            t.survived++;
        }
    }

    /** A new local vault for one scenario, watched as the main one is. */
    private VaultWatch newVault(String name) throws Exception {
        Path vault = tmp.resolve("vault-" + name);
        Cli.Result init = Cli.run("init", "--vault", vault, "--password-file", pw);
        if (init.code() != 0) {
            throw new IllegalStateException("init failed: " + init);
        }
        return new VaultWatch(vault.toString(), pw, Files.createDirectories(tmp.resolve(name)), Cli::run, rnd);
    }

    /** The address a {@code streamvault broker} child prints once its broker answers. */
    private static String bootstrapOf(Children.Child broker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        do {
            for (String line : Files.readAllLines(broker.out())) {
                if (line.startsWith("bootstrap.servers=")) {
                    return line.substring("bootstrap.servers=".length());
                }
            }
            Thread.sleep(100);
        } while (broker.process().isAlive() && System.nanoTime() < deadline);
        throw new IllegalStateException("the broker printed no address: " + Files.readString(broker.err()));
    }

    // ---- arguments and data

    private Object[] cluster() {
        return new Object[] {"--bootstrap-servers", broker.bootstrapServers(), "--vault", main.vault(), "--password-file",
            pw, "-o", "transaction.timeout.ms=" + transactionTimeoutMs};
    }

    private Object[] backupArgs(String client) {
        return concat(new Object[] {"backup", live, "--json", "--state-dir", tmp.resolve(client), "-o",
            "uploader.pack.bytes=1048576"}, cluster());
    }

    static Object[] concat(Object[] a, Object... b) {
        return BackupRestoreIT.concat(a, b);
    }

    /** The first state of the source: files of several sizes (some alike), links, an empty file and directory. */
    private void seed(Path root) throws IOException {
        Files.createDirectories(root.resolve("empty-dir"));
        SourceTree.write(root.resolve("empty"), new byte[0]);
        SourceTree.write(root.resolve("small.txt"), "a fault campaign\n".getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(root.resolve("link"), Path.of("small.txt"));
        for (int i = 0; i < 6; i++) {
            addFile(root);
        }
        Files.createLink(root.resolve("hard-link"), root.resolve("d0/f0"));
    }

    /** One round's change: three new files, one rewritten in part, one deleted. */
    private void mutate(Path root) throws IOException {
        for (int i = 0; i < 3; i++) {
            addFile(root);
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> p.getFileName().toString().startsWith("f") && Files.isRegularFile(p)).sorted().toList();
        }
        Path changed = all.get(1 + rnd.nextInt(all.size() - 1));
        byte[] b = Files.readAllBytes(changed);
        System.arraycopy(SourceTree.bytes(rnd, Math.min(b.length, 70_000)), 0, b, b.length / 2 - Math.min(b.length, 70_000) / 2,
                Math.min(b.length, 70_000));
        Files.write(changed, b);
        Path gone = all.get(1 + rnd.nextInt(all.size() - 1));
        if (!gone.equals(changed)) {
            Files.delete(gone);
        }
    }

    private void addFile(Path root) throws IOException {
        int n = files++;
        int size = 200_000 + rnd.nextInt(1_800_000);
        byte[] data = rnd.nextInt(4) == 0 ? SourceTree.bytes(new Random(rnd.nextInt(3)), size) // alike: shared chunks
                : SourceTree.bytes(rnd, size);
        SourceTree.write(root.resolve("d" + n % 4 + "/f" + n), data);
    }

    /** Mounts a tmpfs of this size; the reason when it cannot (not root, no mount here). */
    private static String mount(Path dir, long bytes) throws Exception {
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + bytes / 1024 + "k", "tmpfs", dir.toString());
        return out == null ? null : "cannot mount a small file system here (needs root and mount): " + out;
    }

    private static void remount(Path dir, long bytes) throws Exception {
        String out = run("mount", "-o", "remount,size=" + bytes / 1024 + "k", dir.toString());
        if (out != null) {
            throw new IllegalStateException("remount of " + dir + " failed: " + out);
        }
    }

    private static long used(Path dir) throws IOException {
        var store = Files.getFileStore(dir);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    /** Runs a system command; null on success, else its output. */
    private static String run(String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static String seconds(long ms) {
        return String.format("%.1f", ms / 1000.0);
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    /** How often a process's log says it ended the open transactions of a member gone from its group. */
    private static int orphansEnded(String log) {
        return (int) log.lines().filter(l -> l.contains("ended the open transactions")).count();
    }

    private static int orphansEnded(Path log) throws IOException {
        return Files.exists(log) ? orphansEnded(Files.readString(log, StandardCharsets.UTF_8)) : 0;
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
