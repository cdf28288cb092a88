package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every command answers --help with its usage and status 0, without opening anything. */
class MainTest {
    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"init", "backup", "snapshots", "restore", "check", "broker", "agent",
            "rebuild-index", "serve"}) {
            PrintStream out = System.out;
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int status;
            try {
                status = Main.run(command, "--help");
            } finally {
                System.setOut(out);
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, command + " --help");
            assertTrue(text.contains("Usage: streamvault " + command), command + ": " + text);
            assertTrue(text.contains("--help"), command + " lists --help");
        }
    }
}
