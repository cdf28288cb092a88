package io.streamvault.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.config.StreamVaultConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The quick start of {@code backup} sends the agent exactly what the picocli command would, or stands aside. */
class QuickBackupTest {
    @TempDir
    Path tmp;

    /** Lines the quick start takes to an agent. */
    private String[][] forAnAgent() throws Exception {
        String src = Files.createDirectories(tmp.resolve("src")).toString();
        return new String[][] {
            {"backup", src},
            {"backup", src, "--json"},
            {"backup", "--json", src, "--vault", tmp.resolve("v").toString(), "--state-dir",
                tmp.resolve("s").toString(), "--tag", "a", "--tag=b", "--host", "h1", "--parent", "abc123",
                "--force-read", "--password-file", "/nonexistent", "--retain", "90d", "--exclude", "*.tmp",
                "--exclude=/top/skip", "--changed-dir", src + "/a/b", "--changed-dir=" + src},
            {"backup", src, "--vault=" + tmp.resolve("v").toUri(), "--bootstrap-servers", "kafka:9092",
                "--state-dir=relative/state"},
            {"backup", src + "/../src/.", "--vault", "relative-vault"},
            {"backup", src, "--changed-dir", tmp.toString()}, // not under PATH: a full walk
            {"backup", src, "--vault", ""},
            // picocli's forms: since both read the line with BackupArgs, the quick start takes these too
            {"backup", src, "--json=true"},
            {"backup", "--", src},
            {"backup", src, "--json=false", "--force-read=TRUE", "--tag", "-x", "--tag=", "--host=h=2",
                "--password-file=pw", "--bootstrap-servers=", "--parent=p"},
        };
    }

    /**
     * Lines it leaves to picocli: usage errors and help (which picocli prints), settings of its own
     * and {@code --no-agent} (which an agent does not take), paths that are not directories.
     */
    private String[][] notForAnAgent() throws Exception {
        String src = Files.createDirectories(tmp.resolve("src")).toString();
        String file = Files.writeString(tmp.resolve("file"), "x").toString();
        return new String[][] {
            {"backup"},
            {"backup", src, "-o", "chunker.max.rereads=1"},
            {"backup", src, "--option", "a=b"},
            {"backup", src, "--config", "f.properties"},
            {"backup", src, "--no-agent"},
            {"backup", src, "--host", "a", "--host", "b"},
            {"backup", src, "--help"},
            {"backup", src, src},
            {"backup", file},
            {"backup", tmp.resolve("missing").toString()},
            {"backup", src, "--vault"},
            {"snapshots", "--json"},
            {"backup", src, "-h"},
            {"backup", src, "--version"},
            {"backup", src, "-V"},
            {"backup", src, "--bogus"},
            {"backup", src, "--host", "--json"},
            {"backup", src, "--json=maybe"},
            {"backup", src, "-o", "no-value"},
            {"backup", src, "--retain", "ninety days"},
            {"backup", src, "--exclude", "a[b"},
        };
    }

    private void same(String... args) {
        long start = 1_234_567L;
        QuickBackup.Parsed quick = QuickBackup.parse(args, start);
        assertNotNull(quick, "the quick start takes " + Arrays.toString(args));
        BackupCommand cmd = new BackupCommand();
        new CommandLine(cmd).parseArgs(Arrays.copyOfRange(args, 1, args.length));
        StreamVaultConfig config = cmd.common.config();
        Path source = cmd.args.path().toAbsolutePath().normalize();
        String expected = cmd.agentRequest(config, cmd.job(source, start)).encoded();
        assertEquals(expected, quick.request().encoded(), Arrays.toString(args));
        assertEquals(config.stateDir(), quick.stateDir(), Arrays.toString(args));
    }

    @Test
    void sendsWhatTheCommandWouldSend() throws Exception {
        for (String[] args : forAnAgent()) {
            same(args);
        }
    }

    @Test
    void standsAsideForAnythingElse() throws Exception {
        for (String[] args : notForAnAgent()) {
            assertNull(QuickBackup.parse(args, 0), Arrays.toString(args));
        }
    }

    @Test
    void everyOptionIsTried() throws Exception {
        List<String> tried = new ArrayList<>();
        for (String[][] lines : List.of(forAnAgent(), notForAnAgent())) {
            for (String[] line : lines) {
                for (String arg : line) {
                    tried.add(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
                }
            }
        }
        for (BackupArgs.Option o : BackupArgs.OPTIONS) {
            for (String name : o.names()) {
                assertTrue(tried.contains(name), name + " is in a line of this test");
            }
        }
    }

    /** A job is what runs in the command's own JVM when no agent takes it: what bin/streamvault archives. */
    @Test
    void tellsAJobFromHelpAndErrors() throws Exception {
        String src = tmp.resolve("src").toString();
        for (String[] args : forAnAgent()) {
            assertTrue(QuickBackup.isJob(args), Arrays.toString(args));
        }
        List<List<String>> jobs = List.of(List.of("backup", src, "-o", "chunker.max.rereads=1"),
                List.of("backup", src, "--option", "a=b"), List.of("backup", src, "--config", "f.properties"),
                List.of("backup", src, "--no-agent"));
        for (String[] args : notForAnAgent()) {
            assertEquals(jobs.contains(List.of(args)), QuickBackup.isJob(args), Arrays.toString(args));
        }
    }
}
