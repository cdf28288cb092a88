package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.fs.Posix;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forever-incremental backups: a no-change backup reads nothing and adds nothing; after edits only
 * the changed files are read; every snapshot restores to the tree as it was when it was taken.
 */
class IncrementalIT {
    @TempDir
    Path tmp;

    @Test
    void onlyChangedFilesAreReadAndEverySnapshotRestoresAsItWas() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.full(src, 7);
        Random rnd = new Random(8);
        byte[] large = SourceTree.bytes(rnd, 24 << 20);
        SourceTree.write(src.resolve("large.bin"), large);
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), "incremental\n");
        Object[] opts = {"--vault", vault, "--state-dir", tmp.resolve("state"), "--password-file", pw, "--json"};
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        List<String> snapshots = new ArrayList<>();
        List<Path> states = new ArrayList<>();

        JsonNode full = backup(src, opts);
        snapshots.add(full.get("snapshot").asText());
        states.add(copy(src, "state-0"));
        long files = BackupRestoreIT.countFiles(src);
        assertEquals(files, full.get("files_new").asLong());

        long packBytes = BackupRestoreIT.dirSize(vault.resolve("data"));
        JsonNode same = backup(src, opts);
        snapshots.add(same.get("snapshot").asText());
        states.add(copy(src, "state-1"));
        assertEquals(0, same.get("bytes_read").asLong(), "a no-change backup reads nothing: " + same);
        assertEquals(files, same.get("files_unmodified").asLong());
        assertEquals(0, same.get("files_new").asLong() + same.get("files_changed").asLong());
        assertEquals(0, same.get("bytes_added").asLong());
        assertEquals(packBytes, BackupRestoreIT.dirSize(vault.resolve("data")), "no new pack bytes");
        Cli.Result list = Cli.run("snapshots", "--vault", vault, "--password-file", pw, "--json");
        assertEquals(0, list.code(), list.toString());
        assertEquals(list.json().get(0).get("tree").asText(), list.json().get(1).get("tree").asText(),
                "an unchanged tree is the parent's tree object: " + list.json());

        // edit, append, insert at the start of a large file, delete, rename, chmod, new files
        long expectedRead = 0;
        Path edited = src.resolve("small.txt");
        Files.writeString(edited, "HELLO, vault\n");
        expectedRead += Files.size(edited);
        Path appended = src.resolve("random-3m.bin");
        Files.write(appended, SourceTree.bytes(rnd, 1000), StandardOpenOption.APPEND);
        expectedRead += Files.size(appended);
        byte[] inserted = new byte[large.length + 100];
        System.arraycopy(SourceTree.bytes(rnd, 100), 0, inserted, 0, 100);
        System.arraycopy(large, 0, inserted, 100, large.length);
        Files.write(src.resolve("large.bin"), inserted);
        expectedRead += inserted.length;
        Files.delete(src.resolve("copy-of-random.bin"));
        Files.move(src.resolve("deep/a/b/c/d/file"), src.resolve("deep/a/renamed"));
        expectedRead += Files.size(src.resolve("deep/a/renamed"));
        Posix.chmod(src.resolve("private"), 0640);
        expectedRead += Files.size(src.resolve("private"));
        Path fresh = SourceTree.write(src.resolve("deep/new-dir/new-file"), SourceTree.bytes(rnd, 300_000));
        expectedRead += Files.size(fresh);
        try (FileChannel ch = FileChannel.open(src.resolve(SourceTree.SPARSE), StandardOpenOption.READ)) {
            assertTrue(ch.size() > 0);
        }
        JsonNode incr = backup(src, opts);
        snapshots.add(incr.get("snapshot").asText());
        states.add(copy(src, "state-2"));
        assertEquals(expectedRead, incr.get("bytes_read").asLong(), "only changed and new files are read: " + incr);
        assertEquals(2, incr.get("files_new").asLong(), "the renamed and the new file: " + incr);
        assertEquals(4, incr.get("files_changed").asLong(), "edited, appended, inserted, chmod: " + incr);
        assertEquals(files - 1 + 1 - 2 - 4, incr.get("files_unmodified").asLong());
        assertTrue(incr.get("bytes_added").asLong() < 6L << 20,
                "an insert at the start of a 24 MiB file adds a few chunks, not the file: " + incr);

        JsonNode forced = backup(src, concat(opts, "--force-read"));
        assertEquals(BackupRestoreIT.totalSize(src), forced.get("bytes_read").asLong(), "--force-read reads everything");
        assertEquals(0, forced.get("files_unmodified").asLong());

        for (int i = 0; i < snapshots.size(); i++) {
            Path out = tmp.resolve("restore-" + i);
            Cli.Result r = Cli.run("restore", snapshots.get(i), "--target", out, "--vault", vault, "--password-file", pw);
            assertEquals(0, r.code(), r.toString());
            TreeAssert.assertSameTree(states.get(i), out);
        }
    }

    /**
     * A backup told which directories changed ({@code --changed-dir}, what continuous plans pass)
     * lists only those: a change elsewhere is not in its snapshot, and the next full walk takes it.
     */
    @Test
    void aNarrowedBackupTakesOnlyTheNamedDirectoriesChanges() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("named/deep"));
        Files.createDirectories(src.resolve("unnamed"));
        Files.writeString(src.resolve("top.txt"), "top");
        Files.writeString(src.resolve("named/deep/f"), "f before");
        Files.writeString(src.resolve("unnamed/g"), "g before");
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("pw"), "narrowed\n");
        Object[] opts = {"--vault", vault, "--state-dir", tmp.resolve("state"), "--password-file", pw, "--json"};
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        backup(src, opts);

        Files.writeString(src.resolve("named/deep/f"), "f after, longer");
        Files.writeString(src.resolve("unnamed/g"), "g after, longer");
        JsonNode narrowed = backup(src, concat(opts, "--changed-dir=" + src.resolve("named/deep")));
        assertEquals(1, narrowed.get("files_changed").asLong(), "only named/deep is listed: " + narrowed);
        assertEquals("f after, longer".length(), narrowed.get("bytes_read").asLong(), narrowed.toString());
        assertEquals(2, narrowed.get("files_unmodified").asLong(), "top.txt, and unnamed/g as it was: " + narrowed);
        Path out = tmp.resolve("restore-narrowed");
        Cli.Result r = Cli.run("restore", narrowed.get("snapshot").asText(), "--target", out, "--vault", vault,
                "--password-file", pw);
        assertEquals(0, r.code(), r.toString());
        assertEquals("f after, longer", Files.readString(out.resolve("named/deep/f")));
        assertEquals("g before", Files.readString(out.resolve("unnamed/g")), "not named: taken from the parent");
        assertEquals("top", Files.readString(out.resolve("top.txt")));

        JsonNode full = backup(src, opts);
        assertEquals(1, full.get("files_changed").asLong(), "the full walk finds unnamed/g: " + full);
        Path all = tmp.resolve("restore-full");
        r = Cli.run("restore", full.get("snapshot").asText(), "--target", all, "--vault", vault, "--password-file", pw);
        assertEquals(0, r.code(), r.toString());
        TreeAssert.assertSameTree(src, all);
    }

    private JsonNode backup(Path src, Object... opts) {
        Cli.Result r = Cli.run(BackupRestoreIT.concat(new Object[] {"backup", src}, opts));
        assertEquals(0, r.code(), r.toString());
        return r.json();
    }

    private Path copy(Path src, String name) throws IOException, InterruptedException {
        Path dst = tmp.resolve(name);
        Process p = new ProcessBuilder("cp", "-a", src.toString(), dst.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "cp -a failed");
        return dst;
    }

    private static Object[] concat(Object[] a, Object b) {
        return BackupRestoreIT.concat(a, new Object[] {b});
    }

}
