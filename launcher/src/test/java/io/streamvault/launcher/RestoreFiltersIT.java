package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.fs.RawPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup's and the restore command's filters, overwrite policies and in-place restore, with real backups. */
class RestoreFiltersIT {
    @TempDir
    Path tmp;

    static List<String> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void filtersPoliciesAndInPlace() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("sub"));
        Files.createDirectories(src.resolve("other"));
        Files.writeString(src.resolve("keep.txt"), "keep");
        Files.writeString(src.resolve("sub/a.txt"), "a from the backup");
        Files.writeString(src.resolve("sub/b.log"), "b");
        Files.writeString(src.resolve("other/c.txt"), "c");
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("password"), "pw for the restore filters\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        Cli.Result backup = Cli.run("backup", src, "--vault", vault, "--state-dir", tmp.resolve("state"),
                "--password-file", pw, "--json");
        assertEquals(0, backup.code(), backup.toString());
        Object[] v = {"--vault", vault, "--password-file", pw};

        Cli.Result nowhere = Cli.run(BackupRestoreIT.concat(new Object[] {"restore", "latest"}, v));
        assertEquals(1, nowhere.code(), nowhere.toString());
        assertTrue(nowhere.err().contains("--in-place") && nowhere.err().contains("[invalid_argument]"), nowhere.err());

        Path out = tmp.resolve("out");
        Cli.Result filtered = Cli.run(BackupRestoreIT.concat(new Object[] {"restore", "latest", "--target", out,
            "--include", "*.txt", "--exclude", "other", "--workers", "2"}, v));
        assertEquals(0, filtered.code(), filtered.toString());
        assertEquals(List.of("keep.txt", "sub", "sub/a.txt"), files(out));

        Cli.Result badPolicy = Cli.run(BackupRestoreIT.concat(new Object[] {"restore", "latest", "--target", out,
            "--overwrite", "sometimes"}, v));
        assertEquals(1, badPolicy.code());
        assertTrue(badPolicy.err().contains("[invalid_argument]"), badPolicy.err());

        Files.writeString(src.resolve("sub/a.txt"), "a changed after the backup");
        Files.delete(src.resolve("sub/b.log"));
        Files.delete(src.resolve("keep.txt"));
        Cli.Result ifNewer = Cli.run(BackupRestoreIT.concat(new Object[] {"restore", "latest", "--in-place",
            "--path", "sub", "--overwrite", "if-newer"}, v));
        assertEquals(0, ifNewer.code(), ifNewer.toString());
        assertEquals("a changed after the backup", Files.readString(src.resolve("sub/a.txt")), "newer: kept");
        assertEquals("b", Files.readString(src.resolve("sub/b.log")), "missing: restored");
        assertFalse(Files.exists(src.resolve("keep.txt")), "outside --path: not restored");
        assertTrue(ifNewer.out().contains("1 existing entries left as they were"), ifNewer.out());

        Cli.Result always = Cli.run(BackupRestoreIT.concat(new Object[] {"restore", "latest", "--in-place"}, v));
        assertEquals(0, always.code(), always.toString());
        assertEquals("a from the backup", Files.readString(src.resolve("sub/a.txt")));
        assertEquals("keep", Files.readString(src.resolve("keep.txt")));
        assertEquals(List.of("keep.txt", "other", "other/c.txt", "sub", "sub/a.txt", "sub/b.log"), files(src));
    }

    @Test
    void backupExcludesLeaveEntriesOutOfTheSnapshot() throws Exception {
        Path src = tmp.resolve("src");
        for (String f : List.of("keep.txt", "a.tmp", "sub/b.tmp", "sub/c.txt", "sub/cache", "cache/x", "cache/deep/y",
                "top/skip/f", "top/keep.txt", "other/top/skip/g")) {
            Files.createDirectories(src.resolve(f).getParent());
            Files.writeString(src.resolve(f), "contents of " + f);
        }
        byte[] rawTmp = {(byte) 0xff, '.', 't', 'm', 'p'};
        byte[] rawKeep = {'k', (byte) 0xfe};
        Files.writeString(RawPaths.resolve(src, rawTmp), "not UTF-8, left out");
        Files.writeString(RawPaths.resolve(src, rawKeep), "not UTF-8, kept");
        Path vault = tmp.resolve("vault");
        Path pw = Files.writeString(tmp.resolve("password"), "pw for the backup excludes\n");
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());

        Cli.Result backup = Cli.run("backup", src, "--vault", vault, "--state-dir", tmp.resolve("state"),
                "--password-file", pw, "--json", "--exclude", "*.tmp", "--exclude", "cache", "--exclude", "/top/skip");
        assertEquals(0, backup.code(), backup.toString()); // sealed: the counts agree without the excluded entries
        JsonNode s = backup.json();
        assertFalse(s.get("incomplete").asBoolean(), backup.toString());
        assertEquals(5, s.get("files_new").asLong(), "keep.txt, sub/c.txt, top/keep.txt, other/top/skip/g, k\\xfe");

        Path out = tmp.resolve("out");
        Cli.Result restore = Cli.run("restore", "latest", "--target", out, "--vault", vault, "--password-file", pw);
        assertEquals(0, restore.code(), restore.toString());
        TreeAssert.assertSameTree(src, out, Set.of("a.tmp", "sub/b.tmp", "sub/cache", "cache", "top/skip",
                RawPaths.display(rawTmp)));
    }
}
