package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamvault serve} as a real process: it listens, checks tokens, runs a garbage collection
 * over the vault's pipeline (the embedded broker of its state directory), reaches the schedulers
 * over it for the plan routes, serves its metrics, and stops on SIGTERM.
 */
class ServeIT {
    @TempDir
    Path tmp;

    @Test
    void servesUntilTerminated() throws Exception {
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("password"), "serve test password\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        Path tokens = Files.writeString(tmp.resolve("tokens"), "read read-token-0123456789 viewer\n"
                + "admin admin-token-0123456789 boss\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result readable = Cli.run("serve", "--vault", vault, "--password-file", pw, "--tokens-file", tokens);
        assertEquals(1, readable.code(), readable.toString());
        assertTrue(readable.err().contains("chmod 600"), "plain tokens readable by others are refused: " + readable.err());
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));

        Cli.Result badTokens = Cli.run("serve", "--vault", vault, "--password-file", pw, "--tokens-file",
                Files.writeString(tmp.resolve("bad-tokens"), "admin short\n"));
        assertEquals(1, badTokens.code(), badTokens.toString());
        assertTrue(badTokens.err().contains("[invalid_argument]"), badTokens.err());
        assertEquals(2, Cli.run("serve", "--vault", vault, "--password-file", pw).code(), "--tokens-file is required");

        ProcessBuilder pb = new ProcessBuilder(List.of(Cli.REPO.resolve("bin/streamvault").toString(), "serve",
                "--vault", vault.toString(), "--password-file", pw.toString(), "--tokens-file", tokens.toString(),
                "--listen", "127.0.0.1:0", "--state-dir", tmp.resolve("state").toString(), "-o", "metrics.refresh.ms=1000"));
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        pb.redirectError(tmp.resolve("serve.err").toFile());
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "serve printed nothing; stderr: " + Files.readString(tmp.resolve("serve.err")));
            Matcher m = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/api/v1").matcher(line);
            assertTrue(m.find(), line);
            String base = "http://127.0.0.1:" + m.group(1) + "/api/v1";
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/snapshots"))
                    .header("Authorization", "Bearer read-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("\"snapshots\":[]"), ok.body());
            HttpResponse<String> no = http.send(HttpRequest.newBuilder(URI.create(base + "/snapshots")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, no.statusCode());

            HttpResponse<String> gc = http.send(HttpRequest.newBuilder(URI.create(base + "/gc"))
                    .header("Authorization", "Bearer admin-token-0123456789").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, gc.statusCode(), gc.body());
            Matcher id = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(gc.body());
            assertTrue(id.find(), gc.body());
            String job = gc.body();
            for (int i = 0; i < 600 && job.contains("\"state\":\"running\""); i++) {
                Thread.sleep(500);
                job = http.send(HttpRequest.newBuilder(URI.create(base + "/gc/" + id.group(1)))
                        .header("Authorization", "Bearer admin-token-0123456789").build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(job.contains("\"state\":\"done\""), "a collection over the embedded broker: " + job);
            assertTrue(job.contains("\"dry_run\":false"), job);

            // plans: written to the vault, a run asked for over the pipeline (connected on first use)
            HttpResponse<String> plan = http.send(HttpRequest.newBuilder(URI.create(base + "/plans"))
                    .header("Authorization", "Bearer admin-token-0123456789").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"served\",\"path\":\"/srv/data\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, plan.statusCode(), plan.body());
            HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/plans/served/run"))
                    .header("Authorization", "Bearer admin-token-0123456789").POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, run.statusCode(), run.body());
            assertTrue(run.body().contains("\"request\":\"served/request/"), run.body());
            HttpResponse<String> runs = http.send(HttpRequest.newBuilder(URI.create(base + "/plans/served/runs"))
                    .header("Authorization", "Bearer admin-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, runs.statusCode(), runs.body());
            assertEquals("[]", runs.body(), "no scheduler runs here: the request is not a run");

            // metrics: outside /api/v1, behind a read token, counting what was asked above
            String metrics = base.replace("/api/v1", "/metrics");
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            String text = Scrapes.text(metrics, "read-token-0123456789");
            Map<String, Double> scraped = Scrapes.samples(text);
            assertEquals(1, Scrapes.value(scraped, "streamvault_gc_runs_total{dry_run=\"false\",result=\"done\"}"));
            assertEquals(1, Scrapes.value(scraped,
                    "streamvault_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/gc\",status=\"202\"}"));
            assertEquals(1, Scrapes.value(scraped,
                    "streamvault_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/snapshots\",status=\"200\"}"));
            assertEquals(2, Scrapes.value(scraped, "streamvault_errors_total{code=\"unauthenticated\"}"), "the two 401s");
            for (int i = 0; i < 100 && !scraped.containsKey("streamvault_plan_overdue{plan=\"served\"}"); i++) {
                Thread.sleep(100); // the plans' status is read at start, then every metrics.refresh.ms
                text = Scrapes.text(metrics, "read-token-0123456789");
                scraped = Scrapes.samples(text);
            }
            assertEquals(0, Scrapes.value(scraped, "streamvault_plan_overdue{plan=\"served\"}"), "a plan without a schedule");
            assertTrue(scraped.containsKey("streamvault_vault_stored_bytes{kind=\"config\"}"), "the vault was listed: " + scraped.keySet());
            Scrapes.assertValid(text); // last: without promtool the test ends here, skipped, saying so
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook closes the server
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
        assertEquals(143, p.exitValue(), "terminated by SIGTERM");
    }
}
