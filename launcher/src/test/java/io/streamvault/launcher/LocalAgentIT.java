package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup command hands its job to a running agent of its state directory (which has the vault
 * open, so the command needs no password), and runs the job itself when the agent cannot take it. The
 * agent's metrics ({@code --metrics}) move while it works, end where the job's summary says, and pass
 * Prometheus's own check.
 */
class LocalAgentIT {
    @TempDir
    Path tmp;

    @Test
    void theJobGoesToTheLocalAgentAndFallsBackWhenItCannot() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.full(src, 11);
        // enough bytes that the first backup reads for a while: the metrics are scraped meanwhile
        SourceTree.write(src.resolve("large.bin"), SourceTree.bytes(new Random(5), 48 << 20));
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), "local agent\n");
        Path state = tmp.resolve("state");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        try (Agents agents = new Agents()) {
            Agents.Agent agent = agents.start(state, "--vault", vault, "--password-file", pw, "--metrics", "127.0.0.1:0");
            assertTrue(Files.exists(state.resolve("instances/0/agent.sock")), "the agent listens in its slot");
            Map<String, Double> before = Scrapes.samples(Scrapes.text(agent.metrics(), null));

            // No password given: only the agent, whose vault is open, can run this job. Its metrics move meanwhile.
            CompletableFuture<Cli.Result> running = CompletableFuture.supplyAsync(() -> Cli.run("backup", src, "--vault", vault,
                    "--state-dir", state, "--json", "--tag", "t1"));
            List<Map<String, Double>> during = new ArrayList<>();
            while (!running.isDone()) {
                during.add(Scrapes.samples(Scrapes.text(agent.metrics(), null)));
                Thread.sleep(20);
            }
            Cli.Result first = running.get();
            assertEquals(0, first.code(), first.toString());
            assertMetricsMoved(before, during, Scrapes.samples(Scrapes.text(agent.metrics(), null)), first.json());
            JsonNode workers = first.json().get("workers");
            assertEquals(1, workers.size(), "the agent did all the work: " + workers);
            assertTrue(workers.has(agent.instance()), workers.toString());
            assertEquals(BackupRestoreIT.countFiles(src), first.json().get("files_new").asLong());
            Path out = tmp.resolve("restored");
            Cli.Result restored = Cli.run("restore", first.json().get("snapshot").asText(), "--target", out,
                    "--vault", vault, "--password-file", pw);
            assertEquals(0, restored.code(), restored.toString());
            TreeAssert.assertSameTree(src, out);
            Cli.Result list = Cli.run("snapshots", "--vault", vault, "--password-file", pw, "--json");
            assertEquals("t1", list.json().get(0).get("tags").get(0).asText(), "the command's options reach the job");

            // The same vault named as a file: URI is the agent's vault; the human summary comes through.
            Cli.Result again = Cli.run("backup", src, "--vault", vault.toUri().toString(), "--state-dir", state);
            assertEquals(0, again.code(), again.toString());
            assertTrue(again.out().contains(BackupRestoreIT.countFiles(src) + " unmodified"), again.out());

            // serve shows the jobs of the agent's pipeline, sealed, with their counters
            assertServeShowsTheJob(state, vault, pw, first.json().get("snapshot").asText(), BackupRestoreIT.countFiles(src));

            // bin/streamvault takes the quick start (no picocli) to the agent: same result, same errors.
            Cli.Result quick = Cli.process(List.of(), Map.of(), "backup", src, "--vault", vault, "--state-dir", state,
                    "--json");
            assertEquals(0, quick.code(), quick.toString());
            assertEquals(BackupRestoreIT.countFiles(src), quick.json().get("files_unmodified").asLong());
            Cli.Result quickBad = Cli.process(List.of(), Map.of(), "backup", src, "--vault", vault, "--state-dir", state,
                    "--parent", "ffffffff");
            assertEquals(1, quickBad.code(), quickBad.toString());
            assertTrue(quickBad.err().contains("[snapshot_not_found]"), quickBad.err());

            // bin/streamvault records the class-data archive from the first backup after a build that runs
            // its job itself, not from one the agent ran, nor from help (Main tells it which). A copy of the
            // script, with the build's jars and no archive yet:
            Path copy = tmp.resolve("copy");
            Path target = Files.createDirectories(copy.resolve("launcher/target"));
            Path script = Files.createDirectories(copy.resolve("bin")).resolve("streamvault");
            Files.copy(Cli.REPO.resolve("bin/streamvault"), script, StandardCopyOption.COPY_ATTRIBUTES);
            Files.createSymbolicLink(target.resolve("streamvault.jar"),
                    Cli.REPO.resolve("launcher/target/streamvault.jar"));
            Files.createSymbolicLink(target.resolve("lib"), Cli.REPO.resolve("launcher/target/lib"));
            Path archive = target.resolve("streamvault.jsa");
            Cli.Result handed = Cli.process(script, List.of(), Map.of(), "backup", src, "--vault", vault, "--state-dir",
                    state, "--json");
            assertEquals(0, handed.code(), handed.toString());
            assertEquals(BackupRestoreIT.countFiles(src), handed.json().get("files_unmodified").asLong());
            Cli.Result help = Cli.process(script, List.of(), Map.of(), "backup", "--help");
            assertEquals(0, help.code(), help.toString());
            assertFalse(Files.exists(archive), "no archive from a backup the agent ran, or from help");
            Cli.Result own = Cli.process(script, List.of(), Map.of(), "backup", src, "--vault", vault, "--state-dir",
                    state, "--no-agent");
            assertEquals(1, own.code(), own.toString());
            assertEquals(1, own.err().split("\\[password_missing]", -1).length - 1, "one run reports: " + own.err());
            // (OpenJDK 17 can crash writing it: bin/streamvault then marks it failed until the next build)
            assertTrue(Files.exists(archive) || Files.exists(target.resolve("streamvault.jsa.failed")),
                    "an archive from a backup that ran its job itself");
            try (Stream<Path> left = Files.list(target)) {
                assertEquals(3, left.count(), "no temporary file left beside the jars and the archive");
            }

            // The agent's errors are the command's, with their codes; its metrics count them.
            Cli.Result badParent = Cli.run("backup", src, "--vault", vault, "--state-dir", state, "--parent", "ffffffff");
            assertEquals(1, badParent.code(), badParent.toString());
            assertTrue(badParent.err().contains("[snapshot_not_found]"), badParent.err());
            String metrics = Scrapes.text(agent.metrics(), null);
            assertEquals(2, Scrapes.value(Scrapes.samples(metrics), "streamvault_errors_total{code=\"snapshot_not_found\"}"),
                    "the quick start's bad parent and this one");
            assertEquals(4, Scrapes.value(Scrapes.samples(metrics), "streamvault_catalog_backups_total{result=\"sealed\"}"),
                    "the agent sealed four backups: first, again, quick, handed");

            // gc goes to the agent too (no password here either): it collects what a forgotten snapshot
            // alone held, and writes the capacity record after the command has its answer.
            Path extra = Files.createDirectories(tmp.resolve("extra"));
            SourceTree.write(extra.resolve("once.bin"), SourceTree.bytes(new Random(77), 1 << 20));
            Cli.Result once = Cli.run("backup", extra, "--vault", vault, "--state-dir", state, "--json");
            assertEquals(0, once.code(), once.toString());
            Cli.Result forget = Cli.run("forget", once.json().get("snapshot").asText(), "--allow-remove-all", "--vault", vault,
                    "--password-file", pw, "--state-dir", tmp.resolve("forget-state"));
            assertEquals(0, forget.code(), forget.toString());
            Cli.Result gc = Cli.run("gc", "--vault", vault, "--state-dir", state, "--json");
            assertEquals(0, gc.code(), gc.toString());
            assertTrue(gc.json().get("bytes_freed").asLong() > 1 << 19, "the forgotten megabyte is freed: " + gc.out());
            String run = gc.json().get("run").asText();
            boolean recorded = false;
            for (int i = 0; i < 300 && !recorded; i++) {
                Cli.Result h = Cli.run("stats", "--history", "--json", "--vault", vault, "--password-file", pw);
                assertEquals(0, h.code(), h.toString());
                for (JsonNode r : h.json()) {
                    recorded |= run.equals(r.path("run").asText());
                }
                Thread.sleep(recorded ? 0 : 100);
            }
            assertTrue(recorded, "the agent recorded the vault's capacity after the collection " + run);
            Cli.Result checked = Cli.run("check", "--read-data", "--vault", vault, "--password-file", pw);
            assertEquals(0, checked.code(), checked.toString());

            // Not the agent's vault, or --no-agent: the command runs the job itself, and so needs the password.
            Path other = tmp.resolve("other");
            assertEquals(0, Cli.run("init", "--vault", other, "--password-file", pw).code());
            Cli.Result declined = Cli.run("backup", src, "--vault", other, "--state-dir", state);
            assertEquals(1, declined.code(), declined.toString());
            assertTrue(declined.err().contains("[password_missing]"), declined.err());
            Cli.Result direct = Cli.run("backup", src, "--vault", vault, "--state-dir", state, "--no-agent");
            assertEquals(1, direct.code(), direct.toString());
            assertTrue(direct.err().contains("[password_missing]"), direct.err());
            Cli.Result withSettings = Cli.run("backup", src, "--vault", vault, "--state-dir", state, "-o",
                    "chunker.max.rereads=1");
            assertTrue(withSettings.err().contains("[password_missing]"), "settings of its own: " + withSettings.err());

            // A killed agent leaves its socket behind: the command finds no one there and runs the job itself.
            agents.kill(agent);
            assertTrue(Files.exists(state.resolve("instances/0/agent.sock")));
            Cli.Result stale = Cli.run("backup", src, "--vault", vault, "--state-dir", state);
            assertTrue(stale.err().contains("[password_missing]"), stale.err());
            Scrapes.assertValid(metrics); // last: without promtool the test ends here, skipped, saying so
        }
    }

    /**
     * The agent's metrics during and after the backup it ran ({@code summary}, its JSON): the counters
     * moved while it ran, and end where the summary says.
     */
    private static void assertMetricsMoved(Map<String, Double> before, List<Map<String, Double>> during,
            Map<String, Double> after, JsonNode summary) {
        String sealed = "streamvault_catalog_backups_total{result=\"sealed\"}";
        String read = "streamvault_chunker_read_bytes_total";
        assertEquals(0, Scrapes.value(before, sealed));
        assertEquals(0, Scrapes.value(before, read));
        assertEquals(0, Scrapes.value(before, "streamvault_catalog_backups_running"));
        assertTrue(during.stream().anyMatch(m -> m.get("streamvault_catalog_backups_running") == 1
                && m.get(read) > 0 && m.get(sealed) == 0), "a scrape during the backup saw it running with bytes read");
        double last = 0;
        for (Map<String, Double> m : during) {
            assertTrue(m.get(read) >= last, "a counter never goes down");
            last = m.get(read);
        }
        assertEquals(1, Scrapes.value(after, sealed), "one backup done");
        assertEquals(0, Scrapes.value(after, "streamvault_catalog_backups_running"));
        assertEquals(1, Scrapes.value(after, "streamvault_catalog_backup_duration_seconds_count"));
        assertEquals(summary.get("bytes_read").asDouble(), Scrapes.value(after, read), "the chunkers read what the job read");
        assertEquals(summary.get("dirs").asDouble(), Scrapes.value(after, "streamvault_scanner_directories_total"));
        assertTrue(Scrapes.value(after, "streamvault_scanner_files_total") > 0);
        assertTrue(Scrapes.value(after, "streamvault_chunker_files_total") > 0);
        assertEquals(summary.get("chunks_new").asDouble(), Scrapes.value(after, "streamvault_dedup_chunks_total{result=\"new\"}"),
                "each new chunk was new to dedup once");
        assertTrue(Scrapes.value(after, "streamvault_dedup_chunks_total{result=\"known\"}") > 0, "the copy's chunks were known");
        assertTrue(Scrapes.value(after, "streamvault_uploader_packs_total") > 0);
        assertTrue(Scrapes.value(after, "streamvault_uploader_added_bytes_total") > 0);
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "the JVM's basics");
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("kafka_consumer_fetch_manager_records_lag_max{")
                && k.contains("role=\"chunker\"")), "Kafka's lag of each consumer");
        assertTrue(after.keySet().stream().noneMatch(k -> k.startsWith("kafka_") && k.contains("partition=")),
                "no Kafka metric per partition");
    }

    /** {@code serve} over the agent's pipeline answers {@code GET /jobs} with the sealed job of {@code snapshot}. */
    private void assertServeShowsTheJob(Path state, Path vault, Path pw, String snapshot, long files) throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), "read read-token-0123456789 viewer\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        ProcessBuilder pb = new ProcessBuilder(List.of(Cli.REPO.resolve("bin/streamvault").toString(), "serve",
                "--vault", vault.toString(), "--password-file", pw.toString(), "--tokens-file", tokens.toString(),
                "--listen", "127.0.0.1:0", "--state-dir", state.toString()));
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        pb.redirectError(tmp.resolve("serve.err").toFile());
        Process p = pb.start();
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertNotNull(line, "serve printed nothing; stderr: " + Files.readString(tmp.resolve("serve.err")));
            Matcher m = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/api/v1").matcher(line);
            assertTrue(m.find(), line);
            JsonNode job = null;
            String body = "";
            // the first request starts the server's watch of the job topics: poll until it has read them
            for (long end = System.nanoTime() + 60_000_000_000L; job == null && System.nanoTime() < end; Thread.sleep(250)) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + m.group(1) + "/api/v1/jobs")).header("Authorization",
                        "Bearer read-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                body = r.body();
                for (JsonNode j : new ObjectMapper().readTree(body).get("jobs")) {
                    if (snapshot.equals(j.path("snapshot").asText())) {
                        job = j;
                    }
                }
            }
            assertNotNull(job, "the job of " + snapshot + " in " + body);
            assertEquals("sealed", job.get("state").asText());
            assertTrue(job.get("totals_final").asBoolean());
            assertTrue(job.get("files_done").asLong() >= files, job.toString());
            assertEquals(job.get("files_total").asLong(), job.get("files_done").asLong(), job.toString());
            assertTrue(job.get("bytes_read").asLong() > 0 && job.get("bytes_added").asLong() > 0, job.toString());
            assertEquals(0, job.get("eta_ms").asLong(), job.toString());
            assertTrue(job.get("path").asText().endsWith("/src"), job.toString());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
    }
}
