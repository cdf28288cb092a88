package io.streamvault.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamvault.common.config.StreamVaultConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The quick start of {@code backup} sends the agent exactly what the picocli command would, or stands aside. */
class QuickBackupTest {
    @TempDir
    Path tmp;

    private void same(String... args) {
        long start = 1_234_567L;
        QuickBackup.Parsed quick = QuickBackup.parse(args, start);
        assertNotNull(quick, "the quick start takes " + Arrays.toString(args));
        BackupCommand cmd = new BackupCommand();
        new CommandLine(cmd).parseArgs(Arrays.copyOfRange(args, 1, args.length));
        StreamVaultConfig config = cmd.common.config();
        String expected = cmd.agentRequest(config, cmd.job(cmd.path.toAbsolutePath().normalize(), start)).encoded();
        assertEquals(expected, quick.request().encoded(), Arrays.toString(args));
        assertEquals(config.stateDir(), quick.stateDir(), Arrays.toString(args));
    }

    @Test
    void sendsWhatTheCommandWouldSend() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        same("backup", src.toString());
        same("backup", src.toString(), "--json");
        same("backup", "--json", src.toString(), "--vault", tmp.resolve("v").toString(), "--state-dir",
                tmp.resolve("s").toString(), "--tag", "a", "--tag=b", "--host", "h1", "--parent", "abc123",
                "--force-read", "--password-file", "/nonexistent");
        same("backup", src.toString(), "--vault=" + tmp.resolve("v").toUri(), "--bootstrap-servers", "kafka:9092",
                "--state-dir=relative/state");
        same("backup", src + "/../src/.", "--vault", "relative-vault");
        same("backup", src.toString(), "--vault", "");
    }

    @Test
    void standsAsideForAnythingElse() throws Exception {
        String src = Files.createDirectories(tmp.resolve("src")).toString();
        String file = Files.writeString(tmp.resolve("file"), "x").toString();
        String[][] others = {
            {"backup"},
            {"backup", src, "-o", "chunker.max.rereads=1"},
            {"backup", src, "--option", "a=b"},
            {"backup", src, "--config", "f.properties"},
            {"backup", src, "--no-agent"},
            {"backup", src, "--host", "a", "--host", "b"},
            {"backup", src, "--help"},
            {"backup", src, "--json=true"},
            {"backup", src, src},
            {"backup", file},
            {"backup", tmp.resolve("missing").toString()},
            {"backup", src, "--vault"},
            {"backup", "--", src},
            {"snapshots", "--json"},
        };
        for (String[] args : others) {
            assertNull(QuickBackup.parse(args, 0), Arrays.toString(args));
        }
    }
}
