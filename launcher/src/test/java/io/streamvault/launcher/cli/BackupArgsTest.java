package io.streamvault.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.launcher.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The backup command line has one parser: its values, picocli's forms, clear usage errors, a complete help. */
class BackupArgsTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryOptionIntoItsValue() {
        BackupArgs a = BackupArgs.parse(List.of("--vault", "v", "--password-file=pw", "--state-dir", "s",
                "--bootstrap-servers=k:9092", "--config", "c.properties", "-o", "a=1", "-ob=2", "--option=a=3=x",
                "--json", "--tag", "t1", "--tag=t2", "--host", "h", "--parent=p", "--force-read", "--no-agent",
                "--exclude", "*.tmp", "--exclude=/top/skip", "--changed-dir", "/src/b", "--changed-dir=/src/a/c", "--",
                "-dir"));
        assertEquals(Path.of("-dir"), a.path());
        assertEquals("v", a.vault());
        assertEquals(Path.of("pw"), a.passwordFile());
        assertEquals(Path.of("s"), a.stateDir());
        assertEquals("k:9092", a.bootstrapServers());
        assertEquals(Path.of("c.properties"), a.configFile());
        assertEquals(List.of(Map.entry("a", "3=x"), Map.entry("b", "2")), new ArrayList<>(a.settings().entrySet()));
        assertTrue(a.hasSettings());
        assertTrue(a.json());
        assertEquals(List.of("t1", "t2"), a.tags());
        assertEquals(List.of("*.tmp", "/top/skip"), a.excludes());
        assertEquals("h", a.host());
        assertEquals("p", a.parent());
        assertTrue(a.forceRead());
        assertTrue(a.noAgent());
        assertEquals(List.of("a/c", "b"), a.changedDirs(Path.of("/src")).stream().map(String::new).toList(),
                "relative to PATH, sorted");
        assertNull(a.changedDirs(Path.of("/elsewhere")), "not under PATH: a full walk");
        assertFalse(a.help());
        assertFalse(a.version());

        BackupArgs plain = BackupArgs.parse(List.of("src"));
        assertEquals(Path.of("src"), plain.path());
        assertNull(plain.vault());
        assertNull(plain.passwordFile());
        assertNull(plain.stateDir());
        assertNull(plain.bootstrapServers());
        assertNull(plain.configFile());
        assertEquals(Map.of(), plain.settings());
        assertFalse(plain.hasSettings());
        assertFalse(plain.json());
        assertEquals(List.of(), plain.tags());
        assertEquals(List.of(), plain.excludes());
        assertNull(plain.host());
        assertNull(plain.parent());
        assertFalse(plain.forceRead());
        assertFalse(plain.noAgent());
        assertNull(plain.changedDirs(Path.of("/src")), "none given: a full walk");

        BackupArgs flags = BackupArgs.parse(List.of("--json=false", "src", "--force-read=TRUE", "--tag", "-x"));
        assertFalse(flags.json());
        assertTrue(flags.forceRead());
        assertEquals(List.of("-x"), flags.tags(), "a value that names no option is a value");

        BackupArgs help = BackupArgs.parse(List.of("--bogus", "-hV"));
        assertTrue(help.help() && help.version(), "help and version are answered whatever else the line holds");
        assertNull(help.path());
    }

    @Test
    void aMalformedLineIsAUsageErrorAndRunsNothing() throws Exception {
        String src = Files.createDirectories(tmp.resolve("src")).toString();
        Path vault = tmp.resolve("vault");
        Path state = tmp.resolve("state");
        String[][] bad = {
            {"Unknown option: '--bogus'", src, "--bogus"},
            {"Unknown option: '-x'", src, "-x"},
            {"Unknown option: '--ho=st'", src, "--ho=st"},
            {"Missing required parameter for option '--host' (NAME)", src, "--host"},
            {"Expected parameter for option '--host' (NAME) but found '--json'", src, "--host", "--json"},
            {"Expected parameter for option '--tag' (TAG) but found '-o'", src, "--tag", "-o", "a=b"},
            {"option '--host' (NAME) should be specified only once", src, "--host", "a", "--host", "b"},
            {"option '--json' should be specified only once", src, "--json", "--json"},
            {"Invalid value for option '--json': 'yes' is not a boolean", src, "--json=yes"},
            {"Value for option '--option' (KEY=VALUE) should be in KEY=VALUE format but was no-value", src, "-o",
                "no-value"},
            {"Invalid value for option '--password-file' (FILE): Nul character not allowed", src, "--password-file",
                "a\0b"},
            {"Unmatched argument: 'extra' (one PATH only)", src, "extra"},
            {"Missing required parameter: 'PATH'"},
        };
        for (String[] b : bad) {
            List<String> line = new ArrayList<>(List.of("backup", "--vault", vault.toString(), "--state-dir",
                    state.toString()));
            line.addAll(Arrays.asList(b).subList(1, b.length));
            Cli.Result r = Cli.run(line.toArray());
            assertEquals(2, r.code(), line + ": " + r);
            assertTrue(r.err().startsWith(b[0]), line + ": " + r.err());
            assertTrue(r.err().contains("Usage: streamvault backup "), "the usage follows: " + r.err());
            assertEquals("", r.out(), line.toString());
        }
        assertFalse(Files.exists(vault), "no command ran");
        assertFalse(Files.exists(state), "no command ran");
    }

    @Test
    void aMalformedExcludeIsRefusedBeforeTheJobStarts() throws Exception {
        String src = Files.createDirectories(tmp.resolve("src")).toString();
        Path vault = tmp.resolve("vault");
        Cli.Result r = Cli.run("backup", src, "--vault", vault, "--state-dir", tmp.resolve("state"), "--exclude", "ok",
                "--exclude", "a[b");
        assertEquals(1, r.code(), r.toString());
        assertEquals("streamvault: --exclude: glob \"a[b\" has an unclosed '[' [invalid_argument]", r.err().strip());
        assertEquals("", r.out());
        assertFalse(Files.exists(vault), "no vault was opened or created");
    }

    @Test
    void helpListsEveryOption() {
        Cli.Result r = Cli.run("backup", "--help");
        assertEquals(0, r.code(), r.toString());
        String text = r.out().replaceAll("\\s+", " ");
        assertTrue(text.startsWith("Usage: streamvault backup "), text);
        assertTrue(text.contains(" PATH " + BackupArgs.PATH_HELP), text);
        for (BackupArgs.Option o : BackupArgs.OPTIONS) {
            String listed = String.join(", ", o.names()) + (o.label() == null ? "" : "=" + o.label());
            if (o.hidden()) {
                assertFalse(text.contains(o.name()), listed + " is plumbing, left out of the help: " + text);
                continue;
            }
            assertTrue(text.contains(" " + listed + " " + o.help()), listed + " is listed with its help: " + text);
        }
    }

    /** The options every command has are read by the backup as by the others (CommonOptions declares them there). */
    @Test
    void theCommonOptionsAreThoseOfEveryCommand() {
        List<OptionSpec> common = CommandSpec.forAnnotatedObject(new CommonOptions()).options();
        assertEquals(6, common.size(), common.toString());
        for (OptionSpec c : common) {
            BackupArgs.Option b = BackupArgs.OPTIONS.stream().filter(o -> o.name().equals(c.longestName())).findFirst()
                    .orElse(null);
            assertNotNull(b, c.longestName() + " is a backup option");
            assertEquals(List.of(c.names()), b.names());
            assertEquals(c.paramLabel(), b.label());
            assertEquals(c.isMultiValue(), b.repeatable(), c.longestName());
            assertEquals(String.join(" ", c.description()), b.help());
            assertEquals(c.type() == Path.class, b.kind() == BackupArgs.Kind.PATH, c.longestName());
        }
    }
}
