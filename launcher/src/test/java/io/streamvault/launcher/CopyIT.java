package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Azurite;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Vault;
import io.streamvault.vault.internal.AzureStorageFactory;
import io.streamvault.vault.internal.RetryingStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies on real components (docs/copies.md): a vault on one Azure account (Azurite) copied to a
 * vault on another account with credentials of its own, by a {@code streamvault copy} process that
 * follows the vault's events while backups run and is killed (SIGKILL) at random moments. After
 * every kill the target lists no snapshot it does not hold whole; the restarted copier converges;
 * every snapshot restores from the target exactly. A new target made after the backups catches up
 * by listing alone ({@code copy --once}, the event topic deleted).
 */
class CopyIT {
    private static final String SOURCE_ACCOUNT = "sourceacct";
    private static final String TARGET_ACCOUNT = "targetacct";
    private static final String SOURCE = "azure://source";
    private static final String TARGET = "azure://target/copy";
    private static final String CONNECTION_STRING = AzureStorageFactory.CONNECTION_STRING;
    private static final int BACKUPS = 4;
    private static final String PACK_BYTES = "uploader.pack.bytes=" + (1 << 20);

    @TempDir
    Path tmp;

    private Azurite azurite;
    private Path pw;
    private String bootstrap;
    /** Every copier process started, so that none outlives a failed test. */
    private final List<Process> copiers = new ArrayList<>();

    @Test
    void aCopierKilledAtRandomMomentsNeverListsAPartialSnapshotConvergesAndANewTargetCatchesUpByListing() throws Exception {
        long timing = System.nanoTime();
        System.err.println("CopyIT: kill timing seed " + timing);
        Random when = new Random(timing);
        Random data = new Random(31);
        Azurite az = Azurite.startWithAccounts(tmp.resolve("azurite"), SOURCE_ACCOUNT, TARGET_ACCOUNT);
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster"));
                Storage sourceStore = AzureStorageFactory.open(SOURCE, az.env(SOURCE_ACCOUNT)::get,
                        RetryingStorage.Policy.defaults())) {
            azurite = az;
            bootstrap = broker.bootstrapServers();
            pw = Files.writeString(tmp.resolve("pw"), "one password, two accounts\n");
            Map<String, String> sourceEnv = az.env(SOURCE_ACCOUNT);
            Map<String, String> targetEnv = az.env(TARGET_ACCOUNT);
            // The copier reaches the source as the source's processes do, the target only under the prefix.
            Map<String, String> copierEnv = new HashMap<>(sourceEnv);
            copierEnv.put("STREAMVAULT_COPY_" + CONNECTION_STRING, az.connectionString(TARGET_ACCOUNT));
            Path targetCredentials = Files.writeString(tmp.resolve("target.credentials"),
                    "# the target's account\n" + CONNECTION_STRING + "=" + az.connectionString(TARGET_ACCOUNT) + "\n");

            Cli.Result init = Cli.process(List.of(), sourceEnv, "init", "--vault", SOURCE, "--password-file", pw);
            assertEquals(0, init.code(), init.toString());
            Path src = tmp.resolve("src");
            SourceTree.full(src, 11);
            Files.delete(src.resolve("big-40m.bin")); // lean: the rest still holds every kind of entry
            for (int f = 0; f < 16; f++) {
                SourceTree.write(src.resolve("bulk/f" + f), SourceTree.bytes(data, 200_000 + data.nextInt(400_000)));
            }

            Process copier = startCopier(copierEnv, 0);
            awaitFollowing(copier, 0);
            credentialsAreTheirOwn();

            List<String> snapshots = new ArrayList<>();
            List<Path> expected = new ArrayList<>();
            for (int b = 0; b < BACKUPS; b++) {
                if (b > 0) {
                    change(src, data, b);
                }
                int packsBefore = sourceStore.list("data/").size();
                CompletableFuture<Cli.Result> backup = CompletableFuture.supplyAsync(() -> sv(sourceEnv, "backup", src,
                        "--vault", SOURCE, "--password-file", pw, "--state-dir", tmp.resolve("state"),
                        "--bootstrap-servers", bootstrap, "--json", "-o", PACK_BYTES));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (sourceStore.list("data/").size() == packsBefore && !backup.isDone()) {
                    assertTrue(System.nanoTime() < deadline, "backup " + b + " writes no pack");
                    Thread.sleep(50);
                }
                long sleep = 200 + when.nextInt(2800);
                Thread.sleep(sleep);
                assertTrue(copier.isAlive(), "the copier ran until killed: " + log(b, "err"));
                copier.destroyForcibly(); // SIGKILL: bin/streamvault execs the JVM
                assertTrue(copier.waitFor(30, TimeUnit.SECONDS));
                int sourcePacks = sourceStore.list("data/").size();
                JsonNode c = check(targetEnv, false);
                System.err.println("CopyIT: copier killed " + sleep + " ms into backup " + b + " (" + (backup.isDone()
                        ? "done" : "running") + ", the source has " + sourcePacks + " packs); the target lists "
                        + c.get("snapshots") + " snapshots, " + c.get("packs") + " packs, " + c.get("warnings")
                        + " warnings, and no error");
                copier = startCopier(copierEnv, b + 1);

                Cli.Result r = backup.get(5, TimeUnit.MINUTES);
                assertEquals(0, r.code(), r.toString());
                snapshots.add(r.json().get("snapshot").asText());
                Path copy = tmp.resolve("expected-" + b);
                Process cp = new ProcessBuilder("cp", "-a", src.toString(), copy.toString()).inheritIO().start();
                assertEquals(0, cp.waitFor());
                expected.add(copy);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (;;) {
                Cli.Result s = sv(sourceEnv, "copy", "--to", TARGET, "--to-credentials", targetCredentials, "--status",
                        "--json", "--vault", SOURCE, "--password-file", pw, "--state-dir", tmp.resolve("status-state"));
                assertEquals(0, s.code(), s.toString());
                JsonNode lag = s.json().get("lag");
                if (lag.get("snapshots").asLong() == 0 && lag.get("objects").asLong() == 0) {
                    break;
                }
                assertTrue(copier.isAlive(), "the copier ran on: " + log(BACKUPS, "err"));
                assertTrue(System.nanoTime() < deadline, "the copier did not converge within 90 s: " + s.json()
                        + "\n" + log(BACKUPS, "err"));
                Thread.sleep(1000);
            }
            copier.destroy(); // a clean stop
            copier.waitFor(30, TimeUnit.SECONDS);

            for (int b = 0; b < BACKUPS; b++) {
                Path out = tmp.resolve("restored-" + b);
                Cli.Result r = sv(targetEnv, "restore", snapshots.get(b), "--target", out, "--vault", TARGET,
                        "--password-file", pw);
                assertEquals(0, r.code(), r.toString());
                TreeAssert.assertSameTree(expected.get(b), out);
            }
            JsonNode full = check(targetEnv, true);
            assertEquals(BACKUPS, full.get("snapshots").asLong(), full.toString());
            assertEquals(full.get("packs").asLong(), full.get("packs_read").asLong(), full.toString());

            // A new target, after the backups: the catch-up lists the source, it needs no event.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                List<String> events = admin.listTopics().names().get().stream().filter(t -> t.endsWith(".vault-events"))
                        .toList();
                assertEquals(1, events.size(), "the backups announced on one topic: " + events);
                admin.deleteTopics(events).all().get();
            }
            Path second = tmp.resolve("second-target");
            Cli.Result once = sv(sourceEnv, "copy", "--to", second, "--once", "--json", "--vault", SOURCE,
                    "--password-file", pw, "--bootstrap-servers", bootstrap, "--state-dir", tmp.resolve("once-state"));
            assertEquals(0, once.code(), once.toString());
            JsonNode o = once.json();
            assertEquals(BACKUPS, o.get("snapshots_completed").asLong(), o.toString());
            assertEquals(0, o.get("lag").get("objects").asLong(), o.toString());
            Cli.Result listed = Cli.run("snapshots", "--json", "--vault", second, "--password-file", pw);
            assertEquals(0, listed.code(), listed.toString());
            Set<String> ids = new TreeSet<>();
            listed.json().forEach(s -> ids.add(s.get("id").asText()));
            assertEquals(new TreeSet<>(snapshots), ids);
            Cli.Result checked = Cli.run("check", "--read-data", "--json", "--vault", second, "--password-file", pw);
            assertEquals(0, checked.code(), checked.toString());
            assertEquals(0, checked.json().get("errors").asLong(), checked.toString());
        } finally {
            copiers.forEach(Process::destroyForcibly);
            az.close();
        }
    }

    /**
     * The source's account and key are refused on the target's account, though the container is
     * there; the source's own credentials do not see the target at all; the target's open it.
     */
    private void credentialsAreTheirOwn() {
        String crossed = azurite.connectionString(SOURCE_ACCOUNT).replace(azurite.endpoint(SOURCE_ACCOUNT),
                azurite.endpoint(TARGET_ACCOUNT));
        try (Storage wrong = AzureStorageFactory.open(TARGET, Map.of(CONNECTION_STRING, crossed)::get,
                RetryingStorage.Policy.defaults())) {
            FatalException e = assertThrows(FatalException.class, () -> wrong.list("keys/"));
            assertEquals(ErrorCode.STORAGE_DENIED, e.code(), e.getMessage());
        }
        try (Storage own = storage(TARGET, SOURCE_ACCOUNT)) {
            assertFalse(Vault.exists(own), "the target is not on the source's account");
        }
        try (Storage target = storage(TARGET, TARGET_ACCOUNT)) {
            assertTrue(Vault.exists(target), "the copier made the target on its own account");
        }
    }

    /** Changes between backups: new files, one rewritten, one deleted. */
    private static void change(Path src, Random data, int b) throws IOException {
        for (int f = 0; f < 8; f++) {
            SourceTree.write(src.resolve("bulk/new-" + b + "/f" + f), SourceTree.bytes(data, 600_000 + data.nextInt(400_000)));
        }
        SourceTree.write(src.resolve("bulk/f" + b), SourceTree.bytes(data, 500_000));
        Files.delete(src.resolve("bulk/f" + (8 + b)));
    }

    /** {@code check} of the target, as a process with the target's credentials only; asserts it finds no error. */
    private JsonNode check(Map<String, String> targetEnv, boolean readData) {
        Cli.Result r = readData
                ? sv(targetEnv, "check", "--read-data", "--json", "--vault", TARGET, "--password-file", pw)
                : sv(targetEnv, "check", "--json", "--vault", TARGET, "--password-file", pw);
        assertEquals(0, r.code(), r.toString());
        JsonNode c = r.json();
        assertEquals(0, c.get("errors").asLong(), "every snapshot the target lists is whole: " + r);
        return c;
    }

    private Process startCopier(Map<String, String> env, int n) throws IOException {
        List<String> cmd = new ArrayList<>();
        for (Object a : List.of(Cli.REPO.resolve("bin/streamvault"), "copy", "--to", TARGET, "--vault", SOURCE,
                "--password-file", pw, "--bootstrap-servers", bootstrap, "--state-dir", tmp.resolve("copier-state"))) {
            cmd.add(a.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.startsWith("STREAMVAULT_COPY_"));
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("copier-" + n + ".out").toFile())
                .redirectError(tmp.resolve("copier-" + n + ".err").toFile());
        Process p = pb.start();
        copiers.add(p);
        return p;
    }

    /** Waits until the copier has made the target and caught up by listing (it then joins its group and follows the events). */
    private void awaitFollowing(Process copier, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!log(n, "err").contains("streamvault: copying ")) {
            assertTrue(copier.isAlive(), "the copier stopped: " + log(n, "err"));
            assertTrue(System.nanoTime() < deadline, "the copier did not start following: " + log(n, "err"));
            Thread.sleep(100);
        }
    }

    private String log(int n, String which) {
        try {
            return Files.readString(tmp.resolve("copier-" + n + "." + which));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private Storage storage(String uri, String account) {
        return AzureStorageFactory.open(uri, azurite.env(account)::get, RetryingStorage.Policy.defaults());
    }

    private static Cli.Result sv(Map<String, String> env, Object... args) {
        try {
            return Cli.process(List.of(), env, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
