package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default home (~/.streamvault) is under $HOME, as bin/streamvault and the shell see it, not the JVM's user.home. */
class HomeIT {
    @TempDir
    Path tmp;

    @Test
    void theDefaultVaultIsUnderHomeNotUserHome() throws Exception {
        Path env = Files.createDirectories(tmp.resolve("env-home"));
        Path jvm = Files.createDirectories(tmp.resolve("jvm-home"));
        Path pw = Files.writeString(tmp.resolve("pw"), "home test\n");
        Cli.Result r = Cli.process(List.of(), Map.of("HOME", env.toString(), "STREAMVAULT_HOME", "",
                "STREAMVAULT_JAVA_OPTS", "-Xmx256m -Duser.home=" + jvm), "init", "--password-file", pw);
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.exists(env.resolve(".streamvault/vault/config")), r.toString());
        assertFalse(Files.exists(jvm.resolve(".streamvault")), "nothing under the JVM's user.home");
    }
}
