package io.streamvault.scanner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A change feed's directories as a job carries them: relative, sorted, distinct, capped. */
class ChangedDirsTest {
    private static final Path ROOT = Path.of("/data/src");

    private static List<String> text(List<byte[]> dirs) {
        return dirs.stream().map(d -> new String(d, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void absoluteDirectoriesBecomeSortedRelativePaths() {
        byte[] raw = {'a', '/', (byte) 0xff};
        List<byte[]> rel = ChangedDirs.relative(ROOT, Set.of(ROOT.resolve("b"), ROOT, ROOT.resolve("a/./x/.."),
                RawPaths.resolve(ROOT.resolve("a"), new byte[] {(byte) 0xff}), ROOT.resolve("a-b"), ROOT.resolve("a/c")));
        assertEquals(List.of("", "a", "a-b", "a/c", "a/\u00ff", "b"), text(rel), "the root is the empty path");
        assertArrayEquals(raw, rel.get(4), "raw name bytes kept");
        assertEquals(List.of("a"), text(ChangedDirs.relative(Path.of("/data/src/"), List.of(ROOT.resolve("a"),
                ROOT.resolve("a")))), "duplicates once");
    }

    @Test
    void aDirectoryNotUnderTheRootMeansAFullWalk() {
        assertNull(ChangedDirs.relative(ROOT, Set.of(ROOT.resolve("a"), Path.of("/data/srcx"))));
        assertNull(ChangedDirs.relative(ROOT, Set.of(Path.of("/data"))));
        assertNull(ChangedDirs.relative(ROOT, Set.of(ROOT.resolve("../other"))));
    }

    @Test
    void pastTheCapTheJobWalksEverything() {
        List<Path> many = new ArrayList<>();
        for (int i = 0; i < ChangedDirs.MAX_DIRS; i++) {
            many.add(ROOT.resolve("d" + i));
        }
        assertEquals(ChangedDirs.MAX_DIRS, ChangedDirs.relative(ROOT, many).size());
        many.add(ROOT.resolve("one-more"));
        assertNull(ChangedDirs.relative(ROOT, many));

        char[] name = new char[250];
        Arrays.fill(name, 'n');
        List<Path> wide = new ArrayList<>();
        for (int i = 0; wide.size() * 255L <= ChangedDirs.MAX_BYTES; i++) {
            wide.add(ROOT.resolve(new String(name) + String.format("%05d", i)));
        }
        assertNull(ChangedDirs.relative(ROOT, wide), "over MAX_BYTES of paths");
        assertEquals(wide.size() - 1, ChangedDirs.relative(ROOT, wide.subList(1, wide.size())).size());
    }

    @Test
    void aPathThatIsNotCleanAndRelativeIsRefused() {
        for (String bad : List.of("/a", "a/", "a//b", ".", "a/..", "../a", "a/./b")) {
            FatalException e = assertThrows(FatalException.class,
                    () -> ChangedDirs.checked(List.of(bad.getBytes(StandardCharsets.UTF_8))), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), bad);
        }
        assertThrows(FatalException.class, () -> ChangedDirs.checked(List.of(new byte[] {'a', 0})));
        assertEquals(List.of("", "..a", "a", "a/.b"), text(ChangedDirs.checked(List.of("a/.b".getBytes(
                StandardCharsets.UTF_8), new byte[0], "a".getBytes(StandardCharsets.UTF_8), "..a".getBytes(
                StandardCharsets.UTF_8)))));
        assertNull(ChangedDirs.checked(null));
    }
}
