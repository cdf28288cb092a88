package io.streamvault.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.TestVault;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores of real vaults, compared entry by entry with their source: contents (small files in
 * batches, a file large enough to be written in several segments, empty files), holes, hard links,
 * symlinks, modes and times; then restores over an existing target under each overwrite policy.
 */
class RestoreTest {
    private static final long T = 1_700_000_000_123_456_789L;
    private static final long SECOND = 1_000_000_000L;
    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void restoresContentsHolesLinksAndMetadata() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(42);
        Files.createDirectories(src.resolve("small"));
        for (int i = 0; i < 600; i++) { // more than one batch of small files
            Files.write(src.resolve("small/f" + i + ".txt"), b("file " + i + "\n".repeat(i % 7)));
        }
        Files.write(src.resolve("empty.txt"), new byte[0]);
        Files.createDirectories(src.resolve("emptydir"));
        byte[] big = new byte[(17 << 20) + 123]; // more than one segment
        rnd.nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        Path sparse = src.resolve("sparse.img");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            byte[] head = new byte[1 << 20];
            rnd.nextBytes(head);
            f.write(head);
            f.seek(9L << 20);
            f.write(b("in the middle"));
            f.setLength(12L << 20); // ends in a hole
        }
        Files.createDirectories(src.resolve("sub/deeper"));
        Files.write(src.resolve("link-a"), b("linked\n"));
        Files.createLink(src.resolve("sub/link-b"), src.resolve("link-a"));
        Files.createSymbolicLink(src.resolve("sub/dangling"), Path.of("../nowhere/x"));
        Files.write(src.resolve("sub/deeper/private"), b("secret\n"));
        Posix.chmod(src.resolve("sub/deeper/private"), 0600);
        Posix.chmod(src.resolve("sub/deeper"), 0750);
        Posix.chmod(src.resolve("big.bin"), 0755);
        long t = T;
        for (Path p : depthFirst(src)) { // children before their directory, as the restore does
            Posix.setTimes(p, t, t);
            t += SECOND + 1;
        }
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 256 << 10)) {
            SnapshotRef ref = tv.vault.loadSnapshot(tv.backup(src, "h"));
            Path out = tmp.resolve("out");
            RestoreProgress progress = new RestoreProgress();
            Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(ref, out,
                    new RestoreOptions(List.of(), List.of(), null, null, null, Overwrite.ALWAYS, 3), progress);

            assertTrue(r.ok(), r.errors().toString());
            assertSameTree(src, out);
            assertEquals(606, r.files(), "every regular file, the second hard link included");
            RestoreProgress.Status s = progress.status();
            assertEquals(s.filesTotal(), s.filesDone());
            assertEquals(s.bytesTotal(), s.bytesDone());
            assertTrue(allocated(out.resolve("sparse.img")) < 4L << 20, "holes stay holes: "
                    + allocated(out.resolve("sparse.img")));
            assertEquals(12L << 20, Files.size(out.resolve("sparse.img")), "a trailing hole keeps the length");
            FileMeta a = Posix.lstat(out.resolve("link-a"));
            assertEquals(a.inode(), Posix.lstat(out.resolve("sub/link-b")).inode(), "hard links are linked");
            assertEquals(2, a.nlink());
            assertEquals(List.of(), leftovers(out));
        }
    }

    @Test
    void restoresOverAnExistingTargetAsThePolicySays() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("newer-here"), b("from the snapshot\n"));
        Files.write(src.resolve("older-here"), b("from the snapshot\n"));
        Files.write(src.resolve("missing"), b("from the snapshot\n"));
        Files.write(src.resolve("dir-in-the-way"), b("from the snapshot\n"));
        for (Path p : depthFirst(src)) {
            Posix.setTimes(p, T, T);
        }
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            SnapshotRef ref = tv.vault.loadSnapshot(tv.backup(src, "h"));
            Map<Overwrite, List<String>> expected = Map.of(
                    Overwrite.NEVER, List.of("local\n", "local\n"),
                    Overwrite.IF_NEWER, List.of("local\n", "from the snapshot\n"),
                    Overwrite.ALWAYS, List.of("from the snapshot\n", "from the snapshot\n"));
            for (Overwrite policy : Overwrite.values()) {
                Path out = Files.createDirectories(tmp.resolve("out-" + policy.id()));
                Files.write(out.resolve("newer-here"), b("local\n"));
                Posix.setTimes(out.resolve("newer-here"), T + SECOND, T + SECOND);
                Files.write(out.resolve("older-here"), b("local\n"));
                Posix.setTimes(out.resolve("older-here"), T - SECOND, T - SECOND);
                Files.createDirectories(out.resolve("dir-in-the-way/inside"));

                Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(ref, out,
                        new RestoreOptions(List.of(), List.of(), null, null, null, policy, 2), new RestoreProgress());

                assertEquals(List.of("dir-in-the-way: a directory is in the way"), r.errors(), policy.id());
                assertTrue(Files.isDirectory(out.resolve("dir-in-the-way/inside")), policy + ": a directory is never removed");
                assertEquals(expected.get(policy), List.of(Files.readString(out.resolve("newer-here")),
                        Files.readString(out.resolve("older-here"))), policy.id());
                assertEquals("from the snapshot\n", Files.readString(out.resolve("missing")), policy.id());
                long replaced = expected.get(policy).stream().filter(c -> !c.equals("local\n")).count();
                assertEquals(2 - replaced, r.skipped(), policy.id());
                assertEquals(1 + replaced, r.files(), policy.id());
                if (replaced == 2) {
                    assertEquals(T, Posix.lstat(out.resolve("newer-here")).mtimeNs(), "a replacement has the snapshot's time");
                }
                assertEquals(List.of(), leftovers(out), policy.id());
            }
        }
    }

    @Test
    void aChunkMissingFromTheIndexFailsOnlyItsFile() throws Exception {
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            byte[] payload = b("fine\n");
            List<BlobId> content = tv.content(payload);
            BlobId lost = BlobId.of(new byte[BlobId.LENGTH]);
            List<BlobId> broken = new ArrayList<>(content);
            broken.add(lost);
            BlobId root = tv.tree(List.of(
                    TestVault.file(b("broken.txt"), broken, payload.length * 2L, T),
                    TestVault.file(b("good.txt"), content, payload.length, T)));
            String id = tv.snapshot(tv.tree(List.of(TestVault.dir(b("src"), root, T))), b("/nonexistent/src"), "h");
            Path out = tmp.resolve("out");

            Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(tv.vault.loadSnapshot(id), out);

            assertEquals(List.of("broken.txt: chunk " + lost.shortHex() + " is in no index of the vault"), r.errors());
            assertFalse(Files.exists(out.resolve("broken.txt")));
            assertArrayEquals(payload, Files.readAllBytes(out.resolve("good.txt")));
            assertEquals(List.of(), leftovers(out));
        }
    }

    /** Every entry below {@code root}, children before their directory, and the root last. */
    private static List<Path> depthFirst(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        Collections.reverse(all);
        return all;
    }

    private static Map<String, Path> entries(Path root) throws IOException {
        Map<String, Path> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> m.put(root.relativize(p).toString(), p));
        }
        return m;
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, Path> exp = entries(expected);
        Map<String, Path> act = entries(actual);
        assertEquals(exp.keySet(), act.keySet());
        for (Map.Entry<String, Path> e : exp.entrySet()) {
            String what = "'" + e.getKey() + "'";
            FileMeta m = Posix.lstat(e.getValue());
            FileMeta n = Posix.lstat(act.get(e.getKey()));
            assertEquals(m.kind(), n.kind(), what);
            assertEquals(m.mtimeNs(), n.mtimeNs(), what + ": mtime");
            if (m.kind() == FileKind.SYMLINK) {
                assertArrayEquals(Posix.readlink(e.getValue()), Posix.readlink(act.get(e.getKey())), what);
                continue;
            }
            assertEquals(Integer.toOctalString(m.mode()), Integer.toOctalString(n.mode()), what + ": mode");
            if (m.kind() == FileKind.FILE) {
                assertEquals(-1L, Files.mismatch(e.getValue(), act.get(e.getKey())), what + ": contents");
            }
        }
    }

    private static List<Path> leftovers(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".sv-restore-")).toList();
        }
    }

    /** Allocated bytes of a file (st_blocks * 512), from stat(1). */
    private static long allocated(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        proc.waitFor();
        return Long.parseLong(out) * 512;
    }
}
