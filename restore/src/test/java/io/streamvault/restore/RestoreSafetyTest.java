package io.streamvault.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.Posix;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.TestVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crafted vault whose trees hold hostile names, and targets holding symlinks that point outside:
 * the restore writes nothing outside its target and reports every refusal.
 */
class RestoreSafetyTest {
    private static final long T = 1_700_000_000_000_000_000L;
    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> everything(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).toList();
        }
    }

    @Test
    void hostileNamesInTreesAreRefusedAndReported() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path target = tmp.resolve("work/target");
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            byte[] payload = b("pwned\n");
            List<BlobId> content = tv.content(payload);
            String abs = outside.resolve("abs.txt").toString();
            // Each hostile tree also holds a harmless sibling: the decoder refuses the tree as a whole.
            BlobId dotdot = tv.rawTree("{\"nodes\":[" + TestVault.fileNodeJson(b(".."), T, content, payload.length) + ","
                    + TestVault.fileNodeJson(b("ok.txt"), T, content, payload.length) + "]}");
            BlobId slash = tv.rawTree("{\"nodes\":[" + TestVault.fileNodeJson(b("../../outside/slash.txt"), T, content,
                    payload.length) + "]}");
            BlobId absolute = tv.rawTree("{\"nodes\":[" + TestVault.fileNodeJson(b(abs), T, content, payload.length) + "]}");
            BlobId dotdotDir = tv.rawTree("{\"nodes\":[{\"name\":\"Li4=\",\"type\":\"dir\",\"mode\":493,\"uid\":0,\"gid\":0,"
                    + "\"size\":0,\"mtime\":" + T + ",\"atime\":" + T + ",\"ctime\":" + T + ",\"inode\":1,\"dev\":1,\"links\":1,"
                    + "\"rdev\":0,\"subtree\":\"" + slash.hex() + "\"}]}");
            BlobId rootTree = tv.tree(List.of(
                    TestVault.dir(b("absolute"), absolute, T),
                    TestVault.dir(b("dotdot"), dotdot, T),
                    TestVault.dir(b("dotdot-dir"), dotdotDir, T),
                    TestVault.file(b("good.txt"), content, payload.length, T),
                    TestVault.dir(b("slash"), slash, T)));
            String id = tv.snapshot(tv.tree(List.of(TestVault.dir(b("src"), rootTree, T))), b("/nonexistent/src"), "h");
            SnapshotRef ref = tv.vault.loadSnapshot(id);

            Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(ref, target,
                    RestoreOptions.all(), new RestoreProgress());

            assertEquals(List.of(), everything(outside), "nothing is written outside the target");
            assertEquals(List.of(), everything(tmp.resolve("work")).stream()
                    .filter(p -> !p.startsWith(target)).toList(), "nothing beside the target");
            assertArrayEquals(payload, Files.readAllBytes(target.resolve("good.txt")));
            assertFalse(Files.exists(target.resolve("ok.txt")));
            assertEquals(4, r.errorsTotal(), r.errors().toString());
            for (String dir : List.of("absolute", "dotdot", "dotdot-dir", "slash")) {
                assertTrue(r.errors().stream().anyMatch(e -> e.startsWith(dir + ": cannot read its listing")
                        && e.contains("name")), dir + " is reported: " + r.errors());
            }
            assertFalse(r.ok());
        }
    }

    @Test
    void symlinksPlantedInTheTargetAreNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim"), "keep me\n");
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.createSymbolicLink(target.resolve("sub"), outside);          // a directory of the snapshot
        Files.createSymbolicLink(target.resolve("file.txt"), victim);      // a file of the snapshot
        Files.createDirectories(target.resolve("real"));
        Files.createSymbolicLink(target.resolve("real/deeper"), outside);  // a directory below a real one
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            byte[] payload = b("from the snapshot\n");
            List<BlobId> c = tv.content(payload);
            Node inner = TestVault.file(b("pwn.txt"), c, payload.length, T);
            BlobId subTree = tv.tree(List.of(inner));
            BlobId deeper = tv.tree(List.of(TestVault.dir(b("deeper"), subTree, T)));
            BlobId root = tv.tree(List.of(
                    TestVault.file(b("file.txt"), c, payload.length, T),
                    TestVault.dir(b("real"), deeper, T),
                    TestVault.dir(b("sub"), subTree, T)));
            String id = tv.snapshot(tv.tree(List.of(TestVault.dir(b("src"), root, T))), b("/nonexistent/src"), "h");
            SnapshotRef ref = tv.vault.loadSnapshot(id);
            for (Overwrite policy : Overwrite.values()) {
                Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(ref, target,
                        new RestoreOptions(List.of(), List.of(), null, null, null, policy, 4), new RestoreProgress());
                assertEquals(List.of(victim), everything(outside), policy + ": nothing written outside");
                assertEquals("keep me\n", Files.readString(victim), policy + ": the victim is untouched");
                assertTrue(r.errors().stream().anyMatch(e -> e.startsWith("sub: refused: the target holds a symlink")),
                        policy + ": " + r.errors());
                assertTrue(r.errors().stream().anyMatch(e -> e.startsWith("real/deeper: refused")), policy + ": "
                        + r.errors());
                assertEquals(2, r.errorsTotal(), policy + ": " + r.errors());
                assertTrue(Files.isSymbolicLink(target.resolve("sub")));
                if (policy != Overwrite.ALWAYS) {
                    // never, and if-newer: the link (made now) is newer than the snapshot's file
                    assertTrue(Files.isSymbolicLink(target.resolve("file.txt")), policy + ": the existing link stays");
                } else {
                    // replaced: the symlink itself, not what it points to
                    assertFalse(Files.isSymbolicLink(target.resolve("file.txt")), policy.id());
                    assertArrayEquals(payload, Files.readAllBytes(target.resolve("file.txt")));
                }
            }
        }
    }

    @Test
    void aTargetBelowARootIsReachedWithoutFollowingSymlinks() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("real/target"), outside);
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            byte[] payload = b("from the snapshot\n");
            BlobId tree = tv.tree(List.of(TestVault.file(b("f.txt"), tv.content(payload), payload.length, T)));
            SnapshotRef ref = tv.vault.loadSnapshot(tv.snapshot(tv.tree(List.of(TestVault.dir(b("src"), tree, T))),
                    b("/nonexistent/src"), "h"));
            Restorer restorer = new Restorer(tv.vault, tv.vault.loadIndex());
            for (List<byte[]> below : List.of(List.of(b("link"), b("x")), List.of(b("real"), b("target")))) {
                FatalException e = assertThrows(FatalException.class, () -> restorer.restore(ref, root, below,
                        RestoreOptions.all(), new RestoreProgress()));
                assertEquals(ErrorCode.UNSAFE_PATH, e.code());
                assertTrue(e.getMessage().contains("is a symlink"), e.getMessage());
                assertEquals(List.of(), everything(outside), "nothing is written outside the root");
            }
            Restorer.Result r = restorer.restore(ref, root, List.of(b("new"), b("dir")), RestoreOptions.all(),
                    new RestoreProgress());
            assertTrue(r.ok(), r.errors().toString());
            assertArrayEquals(payload, Files.readAllBytes(root.resolve("new/dir/f.txt")));
            assertEquals(T, Posix.lstat(root.resolve("new/dir")).mtimeNs(), "a target made by the restore gets its metadata");
        }
    }

    @Test
    void aFilteredRestoreWritesOnlyTheSelection() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("a/b"));
        Files.createDirectories(src.resolve("c"));
        Files.writeString(src.resolve("a/b/one.txt"), "1");
        Files.writeString(src.resolve("a/b/two.log"), "2");
        Files.writeString(src.resolve("a/three.txt"), "3");
        Files.writeString(src.resolve("c/four.txt"), "4");
        Posix.setTimes(src.resolve("a/b"), T, T);
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            SnapshotRef ref = tv.vault.loadSnapshot(tv.backup(src, "h"));
            Path out = tmp.resolve("out");
            Restorer.Result r = new Restorer(tv.vault, tv.vault.loadIndex()).restore(ref, out,
                    new RestoreOptions(List.of("*.txt"), List.of("three.txt"), b("a"), null, null, Overwrite.NEVER, 2),
                    new RestoreProgress());
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(List.of(out.resolve("a"), out.resolve("a/b"), out.resolve("a/b/one.txt")),
                    everything(out).stream().sorted().toList());
            assertEquals(T, Posix.lstat(out.resolve("a/b")).mtimeNs(), "intermediate directories get their metadata");
            assertTrue(Files.isDirectory(out.resolve("a"), LinkOption.NOFOLLOW_LINKS));
        }
    }
}
