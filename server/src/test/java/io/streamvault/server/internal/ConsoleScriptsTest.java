package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamvault.server.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every script of the web console parses as an ES module ({@code node --check}), and none writes
 * HTML from a string (the console sets text only): the quick check before the browser tests, which
 * would only time out on a page that never renders. Skipped where Node.js is missing.
 */
class ConsoleScriptsTest {
    static final Path SCRIPTS = Path.of("src/main/resources/io/streamvault/server/console/js");

    @TempDir
    Path tmp;

    @Test
    void everyScriptParsesAndSetsNoHtml() throws Exception {
        List<Path> scripts;
        try (Stream<Path> s = Files.walk(SCRIPTS)) {
            scripts = s.filter(p -> p.toString().endsWith(".js")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "the console's scripts are at " + SCRIPTS.toAbsolutePath());
        for (Path js : scripts) {
            String text = Files.readString(js);
            for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")) {
                assertFalse(text.contains(sink), js + " uses " + sink + ": the console sets text only (docs/console.md)");
            }
        }
        assumeTrue(Commands.runs("node", "--version"), "the syntax check of the console's scripts needs Node.js (node)");
        for (Path js : scripts) {
            Path copy = tmp.resolve(js.getFileName().toString().replace(".js", ".mjs")); // checked as a module
            Files.copy(js, copy, StandardCopyOption.REPLACE_EXISTING);
            Process p = new ProcessBuilder("node", "--check", copy.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), js + " does not parse:\n" + out);
        }
    }

}
