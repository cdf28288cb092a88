package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file rewritten while it is backed up is read again, or recorded as changed: never stored torn in silence. */
class ChangingFilesIT {
    @TempDir
    Path tmp;

    @Test
    void fileRewrittenDuringBackupIsNeverStoredSilentlyTorn() throws Exception {
        Path src = tmp.resolve("src");
        Path busy = SourceTree.write(src.resolve("busy.bin"), filled((byte) 1));
        for (int i = 0; i < 20; i++) {
            SourceTree.write(src.resolve("quiet-" + i), SourceTree.bytes(new Random(i), 300_000));
        }
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), "busy\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            byte v = 2;
            while (!stop.get()) {
                try (FileChannel ch = FileChannel.open(busy, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(filled(v++));
                    while (b.hasRemaining()) {
                        ch.write(b, b.position());
                    }
                } catch (Exception e) {
                    return;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        Cli.Result r;
        try {
            r = Cli.run("backup", src, "--vault", vault, "--password-file", pw, "--state-dir", tmp.resolve("state"), "--json");
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(r.code() == 0 || r.code() == 3, r.toString());
        JsonNode s = r.json();
        boolean reported = s.get("warnings").toString().contains("busy.bin");
        Path out = tmp.resolve("out");
        Cli.Result restore = Cli.run("restore", "latest", "--target", out, "--vault", vault, "--password-file", pw);
        byte[] restored = Files.exists(out.resolve("busy.bin")) ? Files.readAllBytes(out.resolve("busy.bin")) : new byte[0];
        if (!reported) {
            assertEquals(0, restore.code(), restore.toString());
            assertEquals(filled(restored[0]).length, restored.length);
            assertTrue(Arrays.equals(filled(restored[0]), restored), "an unreported file is one whole version, not torn");
        } else {
            assertEquals(3, r.code(), "a file changed during backup makes the snapshot incomplete");
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(-1L, Files.mismatch(src.resolve("quiet-" + i), out.resolve("quiet-" + i)));
        }
    }

    private static byte[] filled(byte v) {
        byte[] b = new byte[3 << 20];
        Arrays.fill(b, v);
        return b;
    }
}
