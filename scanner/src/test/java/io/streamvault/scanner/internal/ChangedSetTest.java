package io.streamvault.scanner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.schemas.Buffers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which members of a changed list a directory's task carries, in unsigned byte order. */
class ChangedSetTest {
    private static ByteBuffer b(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static List<ByteBuffer> list(String... dirs) {
        List<ByteBuffer> out = new ArrayList<>();
        for (String d : dirs) {
            out.add(b(d));
        }
        return out;
    }

    private static List<String> within(List<ByteBuffer> dirs, String rel) {
        return ChangedSet.within(dirs, rel.getBytes(StandardCharsets.ISO_8859_1)).stream()
                .map(x -> new String(Buffers.of(x), StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void aDirectoryCarriesItselfAndWhatIsUnderItOnly() {
        // "a-b" sorts between "a" and "a/c" ('-' is below '/'), "ab" and "a\u00ff" after them.
        List<ByteBuffer> dirs = list("", "a", "a-b", "a/c", "a/c/d", "a/cd", "ab", "a\u00ff", "b");
        assertTrue(ChangedSet.sorted(dirs));
        assertEquals(List.of("", "a", "a-b", "a/c", "a/c/d", "a/cd", "ab", "a\u00ff", "b"), within(dirs, ""));
        assertEquals(List.of("a", "a/c", "a/c/d", "a/cd"), within(dirs, "a"));
        assertEquals(List.of("a/c", "a/c/d"), within(dirs, "a/c"));
        assertEquals(List.of("a/c/d"), within(dirs, "a/c/d"));
        assertEquals(List.of(), within(dirs, "a/x"), "neither changed nor above a change");
        assertEquals(List.of(), within(dirs, "c"));
        assertEquals(List.of("a\u00ff"), within(dirs, "a\u00ff"), "bytes compare unsigned");
        assertEquals(List.of("a/c/d"), within(list("a/c/d"), "a"), "an ancestor of a change, not changed itself");
    }

    @Test
    void aListOutOfOrderOrWithDuplicatesIsNotSorted() {
        assertFalse(ChangedSet.sorted(list("b", "a")));
        assertFalse(ChangedSet.sorted(list("a", "a")));
        assertFalse(ChangedSet.sorted(list("a\u00ff", "b", "a")));
        assertTrue(ChangedSet.sorted(list("a", "a\u00ff", "b")), "0xff sorts after every ASCII byte");
        assertTrue(ChangedSet.sorted(list()));
    }
}
