package io.streamvault.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.FatalException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobTest {
    static List<byte[]> p(String path) {
        List<byte[]> out = new ArrayList<>();
        for (String s : path.split("/")) {
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    static boolean m(String glob, String path) {
        return Glob.compile(glob).matches(p(path));
    }

    @Test
    void basenameGlobsMatchAtAnyDepth() {
        assertTrue(m("*.log", "a.log"));
        assertTrue(m("*.log", "x/y/a.log"));
        assertFalse(m("*.log", "x/a.log/b"));
        assertTrue(m("docs", "docs"));
        assertTrue(m("docs", "a/docs"));
        assertTrue(m("?.txt", "é.txt"), "? is one character, not one byte");
        assertFalse(m("?.txt", "ab.txt"));
    }

    @Test
    void pathGlobsMatchTheWholeRelativePath() {
        assertTrue(m("data/*.bin", "data/x.bin"));
        assertFalse(m("data/*.bin", "other/data/x.bin"));
        assertTrue(m("/data/*.bin", "data/x.bin"));
        assertFalse(m("data/*", "data/a/b"), "* stays within a name");
        assertTrue(m("data/**", "data/a/b"));
        assertTrue(m("**/b", "b"));
        assertTrue(m("**/b", "a/x/b"));
        assertTrue(m("a/**/c", "a/c"));
        assertTrue(m("a/**/c", "a/b1/b2/c"));
        assertFalse(m("a/**/c", "a/b/d"));
        assertTrue(m("data/", "data"), "a trailing / is ignored");
    }

    @Test
    void classesAndEscapes() {
        assertTrue(m("f[a-c]", "fb"));
        assertFalse(m("f[a-c]", "fd"));
        assertTrue(m("f[!a-c]", "fd"));
        assertTrue(m("f[^a-c]", "fd"));
        assertTrue(m("f[]x]", "f]"));
        assertTrue(m("f\\*", "f*"));
        assertFalse(m("f\\*", "fx"));
        assertTrue(m("*a*b*c", "xxaybzzc"));
        assertFalse(m("*a*b*c", "xxaybzz"));
    }

    @Test
    void rawBytesThatAreNotUtf8() {
        byte[] bad = {'x', (byte) 0xff, 'y'};
        assertTrue(Glob.compile("x?y").matches(List.of(bad)));
        assertTrue(Glob.compile("x*").matches(List.of(bad)));
        assertFalse(Glob.compile("x[a-z]y").matches(List.of(bad)));
        assertTrue(Glob.compile("x[!a-z]y").matches(List.of(bad)));
    }

    @Test
    void malformedGlobsAreRefused() {
        assertThrows(FatalException.class, () -> Glob.compile(""));
        assertThrows(FatalException.class, () -> Glob.compile("/"));
        assertThrows(FatalException.class, () -> Glob.compile("a[b"));
        assertEquals("*.log", Glob.compile("*.log").toString());
    }
}
