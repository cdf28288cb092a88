package io.streamvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamvault.vault.TestVault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in Firefox: {@code console-firefox.mjs} (test resources) drives Debian's Firefox
 * ESR with puppeteer-core over WebDriver BiDi against a real server on a real vault: sign in, every
 * page, a snapshot's tree, no script error. {@link ConsoleIT} covers the flows in Chromium; this
 * shows the same code runs in the other engine. Skipped, saying so, where Node.js, puppeteer-core
 * (bin/install-test-tools puts it in .tools/) or Firefox is missing.
 */
class ConsoleFirefoxIT {
    static final String TOKEN = "admin-token-0123456789abcdef";
    static final Path FIREFOX = Path.of(System.getProperty("firefox", "/usr/bin/firefox-esr"));
    static final Path MODULES = Path.of("..", ".tools", "node_modules").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void everyPageRunsInFirefox() throws Exception {
        assumeTrue(Files.isExecutable(FIREFOX), "the console's Firefox test needs Firefox ESR at " + FIREFOX
                + " (Debian: apt-get install firefox-esr; bin/test installs it when it runs as root)");
        assumeTrue(Files.isDirectory(MODULES.resolve("puppeteer-core")), "the console's Firefox test needs puppeteer-core"
                + " in " + MODULES + " (bin/install-test-tools installs it with npm)");
        assumeTrue(Commands.runs("node", "--version"), "the console's Firefox test needs Node.js (node) on the PATH");
        Path src = Files.createDirectories(tmp.resolve("src/docs"));
        Files.writeString(src.resolve("a.txt"), "hello firefox\n");
        Path run = Files.createDirectories(tmp.resolve("run"));
        Path script = run.resolve("console-firefox.mjs");
        try (var in = ConsoleFirefoxIT.class.getResourceAsStream("/console-firefox.mjs")) {
            Files.copy(in, script);
        }
        Files.createSymbolicLink(run.resolve("node_modules"), MODULES); // so the script's import resolves
        Path tokens = Files.writeString(tmp.resolve("tokens"), "admin " + TOKEN + " operator\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        Path shots = Files.createDirectories(Path.of("target", "console-screenshots"));
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            tv.backup(tmp.resolve("src"), "fox-host");
            try (ApiServer server = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens))) {
                Process p = new ProcessBuilder(List.of("node", script.toString(), "http://127.0.0.1:" + server.port(), TOKEN,
                        shots.toAbsolutePath().toString(), FIREFOX.toString())).redirectErrorStream(true).start();
                boolean ended = p.waitFor(120, TimeUnit.SECONDS);
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!ended) {
                    p.destroyForcibly();
                }
                assertTrue(ended, "the Firefox run did not end in 2 minutes: " + out);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("page forget Forget snapshots") && out.contains("tree 1")
                        && out.contains("errors []"), out);
            }
        }
    }

}
