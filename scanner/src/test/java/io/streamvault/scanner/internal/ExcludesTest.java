package io.streamvault.scanner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which paths, relative to the backup root, a job's exclude globs leave out. */
class ExcludesTest {
    private static boolean excluded(List<String> globs, String path) {
        return Excludes.of(globs).excludes(RawPaths.splitRelative(path.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aGlobWithoutSlashMatchesANameAtAnyDepth() {
        List<String> g = List.of("*.tmp", "cache");
        assertTrue(excluded(g, "x.tmp"));
        assertTrue(excluded(g, "a/b/c/x.tmp"));
        assertTrue(excluded(g, "cache"));
        assertTrue(excluded(g, "home/u/cache"));
        assertFalse(excluded(g, "x.tmp.keep"));
        assertFalse(excluded(g, "cached"));
        assertFalse(excluded(g, "x.tmp/inside"), "the last name counts: what is under x.tmp is never asked about");
    }

    @Test
    void aGlobWithSlashMatchesTheWholePathFromTheRoot() {
        assertTrue(excluded(List.of("build/*.o"), "build/main.o"));
        assertFalse(excluded(List.of("build/*.o"), "src/build/main.o"), "anchored at the root");
        assertFalse(excluded(List.of("build/*.o"), "build/sub/main.o"), "* stays within a name");
        assertTrue(excluded(List.of("/top/skip"), "top/skip"));
        assertFalse(excluded(List.of("/top/skip"), "other/top/skip"));
        assertTrue(excluded(List.of("/skip"), "skip"), "a leading / anchors a single name");
        assertFalse(excluded(List.of("/skip"), "top/skip"));
    }

    @Test
    void doubleStarMatchesAcrossDirectories() {
        assertTrue(excluded(List.of("build/**/*.o"), "build/main.o"));
        assertTrue(excluded(List.of("build/**/*.o"), "build/a/b/main.o"));
        assertFalse(excluded(List.of("build/**/*.o"), "src/a/main.o"));
        assertTrue(excluded(List.of("**/logs"), "logs"));
        assertTrue(excluded(List.of("**/logs"), "var/app/logs"));
        assertTrue(excluded(List.of("var/**"), "var/a/b"));
    }

    @Test
    void aDirectoryIsMatchedLikeAnyEntry() {
        // The scanner asks about each name before it lists anything: a matching directory is never opened.
        assertTrue(excluded(List.of("node_modules"), "web/node_modules"));
        assertTrue(excluded(List.of("web/node_modules/"), "web/node_modules"), "a trailing / is ignored");
        assertFalse(excluded(List.of("web/node_modules"), "web"));
    }

    @Test
    void namesThatAreNotUtf8AreMatchedAsBytes() {
        byte[] bad = {'x', (byte) 0xff, '.', 't', 'm', 'p'};
        Excludes e = Excludes.of(List.of("*.tmp"));
        assertTrue(e.excludes(List.of("d".getBytes(StandardCharsets.UTF_8), bad)));
        assertTrue(Excludes.of(List.of("x?.tmp")).excludes(List.of(bad)), "the stray byte is one character");
        assertFalse(Excludes.of(List.of("x[a-z].tmp")).excludes(List.of(bad)));
        assertFalse(Excludes.of(List.of("*.log")).excludes(List.of(bad)));
    }

    @Test
    void noGlobsExcludeNothing() {
        assertSame(Excludes.NONE, Excludes.of(List.of()));
        assertTrue(Excludes.NONE.none());
        assertFalse(Excludes.NONE.excludes(List.of("a".getBytes(StandardCharsets.UTF_8))));
        assertFalse(Excludes.of(List.of("*")).excludes(List.of()), "never the root itself");
        assertEquals(List.of("a", "b/c"), Excludes.of(List.of("a", "b/c")).patterns());
    }

    @Test
    void aMalformedGlobIsAnInvalidArgument() {
        FatalException e = assertThrows(FatalException.class, () -> Excludes.of(List.of("ok", "a[b")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("a[b"), e.getMessage());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(FatalException.class, () -> Excludes.of(List.of(""))).code());
    }
}
