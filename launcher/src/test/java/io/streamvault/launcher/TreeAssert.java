package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.fs.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Asserts that a restored tree equals its source entry by entry: type, permission bits, numeric
 * owner, mtime to the nanosecond (directories and symlinks too), size and bytes, symlink target,
 * extended attributes, and hard-link groups.
 */
public final class TreeAssert {
    private TreeAssert() {
    }

    public static void assertSameTree(Path expected, Path actual) throws IOException {
        assertSameTree(expected, actual, Set.of());
    }

    /**
     * As {@link #assertSameTree(Path, Path)}, for a restore of a backup that left out the entries of
     * {@code expected} named in {@code leftOut} (relative paths in display form) and everything
     * under them: those must be missing.
     */
    public static void assertSameTree(Path expected, Path actual, Set<String> leftOut) throws IOException {
        Map<String, Path> exp = entries(expected);
        for (String l : leftOut) {
            assertTrue(exp.containsKey(l), "the source has " + l + " to leave out");
        }
        exp.keySet().removeIf(rel -> leftOut.stream().anyMatch(l -> rel.equals(l) || rel.startsWith(l + "/")));
        Map<String, Path> act = entries(actual);
        assertEquals(exp.keySet(), act.keySet(), "restored entries differ from the source");
        Map<Long, List<String>> expLinks = new HashMap<>();
        Map<String, Long> actInodes = new HashMap<>();
        for (Map.Entry<String, Path> e : exp.entrySet()) {
            String rel = e.getKey();
            Path a = act.get(rel);
            FileMeta m = Posix.lstat(e.getValue());
            FileMeta n = Posix.lstat(a);
            String what = "entry '" + rel + "'";
            assertEquals(m.kind(), n.kind(), what + ": type");
            if (m.kind() != FileKind.SYMLINK) {
                assertEquals(Integer.toOctalString(m.mode()), Integer.toOctalString(n.mode()), what + ": mode");
            }
            assertEquals(m.uid(), n.uid(), what + ": uid");
            assertEquals(m.gid(), n.gid(), what + ": gid");
            assertEquals(m.mtimeNs(), n.mtimeNs(), what + ": mtime (ns)");
            assertEquals(xattrs(e.getValue(), m), xattrs(a, n), what + ": extended attributes");
            switch (m.kind()) {
                case FILE -> {
                    assertEquals(m.size(), n.size(), what + ": size");
                    assertEquals(-1L, Files.mismatch(e.getValue(), a), what + ": contents");
                    if (m.nlink() > 1) {
                        expLinks.computeIfAbsent(m.inode(), k -> new ArrayList<>()).add(rel);
                    }
                    actInodes.put(rel, n.inode());
                }
                case SYMLINK -> assertArrayEquals(Posix.readlink(e.getValue()), Posix.readlink(a), what + ": target");
                case CHAR_DEVICE, BLOCK_DEVICE -> assertEquals(m.rdev(), n.rdev(), what + ": device");
                default -> {
                }
            }
        }
        for (List<String> group : expLinks.values()) {
            long inode = actInodes.get(group.get(0));
            for (String rel : group) {
                assertEquals(inode, actInodes.get(rel), "hard link " + rel + " is not linked to " + group.get(0));
            }
            assertEquals(group.size(), Posix.lstat(act.get(group.get(0))).nlink(), "hard-link count of " + group);
        }
    }

    private static List<String> xattrs(Path p, FileMeta m) throws IOException {
        List<String> out = new ArrayList<>();
        if (m.kind() == FileKind.SYMLINK) {
            return out;
        }
        for (Xattr x : Posix.xattrs(p)) {
            String name = new String(x.name(), StandardCharsets.ISO_8859_1);
            if (name.startsWith("user.")) {
                out.add(name + "=" + HexFormat.of().formatHex(x.value()));
            }
        }
        return out;
    }

    /** Every entry under root (root itself as "."), by relative path in display form. */
    public static Map<String, Path> entries(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> {
                String rel = p.equals(root) ? "." : RawPaths.display(RawPaths.bytes(root.relativize(p)));
                if (out.put(rel, p) != null) {
                    fail("two entries display as " + rel);
                }
            });
        }
        assertTrue(out.size() > 0);
        return out;
    }
}
