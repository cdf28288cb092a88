package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** Scrapes of a {@code /metrics} endpoint: its samples, Prometheus's own check of the text, and docs/metrics.md. */
final class Scrapes {
    /** The Prometheus text format every endpoint answers in. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Prometheus's checker (Debian package prometheus; bin/install-test-tools installs it where it can). */
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Scrapes() {
    }

    /** GET {@code url} (with a bearer token unless null): the text, after checking the status and content type. */
    static String text(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        return r.body();
    }

    /** The samples of a text exposition, by name and labels as printed (Micrometer sorts the labels). */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return out;
    }

    /** One sample, which must be there. */
    static double value(Map<String, Double> samples, String sample) {
        Double v = samples.get(sample);
        assertTrue(v != null, sample + " is served: " + samples.keySet());
        return v;
    }

    /**
     * Every family of the project ({@code streamvault_*}) is listed in docs/metrics.md, and Prometheus's
     * own checker ({@code promtool check metrics}: the parser and its lint) accepts the text. Without
     * promtool the check is skipped, saying so.
     */
    static void assertValid(String text) throws IOException, InterruptedException {
        String doc = Files.readString(Cli.REPO.resolve("docs/metrics.md"));
        Matcher m = Pattern.compile("(?m)^# TYPE (streamvault_[a-z_]+) ").matcher(text);
        int families = 0;
        while (m.find()) {
            String family = m.group(1);
            families++;
            assertTrue(doc.contains("`" + family.replaceAll("_total$", "") + "`")
                    || doc.contains("`" + family + "`"), family + " is listed in docs/metrics.md");
        }
        assertTrue(families > 0, "the project's metrics are served:\n" + text);
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian package prometheus): the"
                + " text was not checked by Prometheus's own parser");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not end");
        assertEquals(0, p.exitValue(), "promtool check metrics: " + out + "\n--- the text:\n" + text);
    }
}
