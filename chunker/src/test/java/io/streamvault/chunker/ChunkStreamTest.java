package io.streamvault.chunker;

import static io.streamvault.chunker.FastcdcTest.KIB;
import static io.streamvault.chunker.FastcdcTest.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkStreamTest {

    /** One chunk as the stream showed it, copied out. */
    record Chunk(long offset, byte[] bytes) {
    }

    static List<Chunk> drain(ChunkStream s) throws IOException {
        List<Chunk> r = new ArrayList<>();
        ByteBuffer buf = s.buffer();
        while (s.next()) {
            assertSame(buf, s.buffer(), "one buffer, reused");
            r.add(chunk(s));
        }
        assertFalse(s.next(), "stays at the end");
        return r;
    }

    static Chunk chunk(ChunkStream s) {
        byte[] b = new byte[s.length()];
        s.buffer().get(s.bufferOffset(), b);
        return new Chunk(s.offset(), b);
    }

    /** A caller's direct buffer for streams of {@code c}, full of bytes that must not show through. */
    static ByteBuffer shared(Fastcdc c) {
        ByteBuffer b = ByteBuffer.allocateDirect(ChunkStream.bufferSize(c));
        while (b.hasRemaining()) {
            b.put((byte) 0x5a);
        }
        return b;
    }

    /** What Fastcdc gives over the same bytes held in memory, as chunks at file offsets. */
    static void assertSameAsInMemory(Fastcdc c, byte[] data, long base, List<Chunk> got) {
        List<Integer> lengths = FastcdcTest.lengths(c, data);
        assertEquals(lengths.size(), got.size());
        int off = 0;
        for (int i = 0; i < got.size(); i++) {
            Chunk k = got.get(i);
            assertEquals(base + off, k.offset(), "offset of chunk " + i);
            assertEquals(lengths.get(i), k.bytes().length, "length of chunk " + i);
            assertArrayEquals(Arrays.copyOfRange(data, off, off + lengths.get(i)), k.bytes());
            off += lengths.get(i);
        }
        assertEquals(data.length, off);
    }

    @Test
    void wholeFileMatchesFastcdc(@TempDir Path dir) throws IOException {
        for (Fastcdc c : List.of(FastcdcTest.small(), FastcdcTest.defaults())) {
            byte[] data = FastcdcTest.random(11, 21 * MIB + 333);
            // zeros in the middle: max-size chunks too
            Arrays.fill(data, 5 * MIB, 14 * MIB, (byte) 0);
            Path f = dir.resolve("f" + c.avg());
            Files.write(f, data);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                for (ByteBuffer buffer : Arrays.asList(null, shared(c))) {
                    ChunkStream s = new ChunkStream(ch, 0, data.length, c, buffer);
                    assertSameAsInMemory(c, data, 0, drain(s));
                    assertEquals(data.length, s.bytesRead());
                    assertFalse(s.endedEarly());
                    assertEquals(0, ch.position(), "positional reads leave the channel's position alone");
                }
            }
        }
    }

    @Test
    void subRangeMatchesFastcdcOverThoseBytes(@TempDir Path dir) throws IOException {
        Fastcdc c = FastcdcTest.small();
        byte[] data = FastcdcTest.random(12, 3 * MIB);
        Path f = dir.resolve("f");
        Files.write(f, data);
        long[][] ranges = {{123_457, MIB + 5}, {0, 100}, {7, c.min()}, {data.length - 1000, 1000}, {999, 0},
            {MIB, 2 * c.max() + 1}};
        ByteBuffer reused = shared(c); // one caller's buffer from range to range, as a chunker keeps it
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            for (long[] r : ranges) {
                for (ByteBuffer buffer : Arrays.asList(null, reused)) {
                    ChunkStream s = new ChunkStream(ch, r[0], r[1], c, buffer);
                    byte[] part = Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1]));
                    assertSameAsInMemory(c, part, r[0], drain(s));
                    assertEquals(r[1], s.bytesRead(), "never reads past the range");
                    assertFalse(s.endedEarly());
                }
            }
            assertThrows(IllegalArgumentException.class, () -> new ChunkStream(ch, 0, data.length, c,
                    ByteBuffer.allocateDirect(ChunkStream.bufferSize(c) - 1)), "a caller's buffer that is too small");
        }
    }

    @Test
    void fileShorterThanTheRangeStopsCleanly(@TempDir Path dir) throws IOException {
        Fastcdc c = FastcdcTest.small();
        byte[] data = FastcdcTest.random(13, MIB + 17);
        Path f = dir.resolve("f");
        Files.write(f, data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ChunkStream s = new ChunkStream(ch, 1000, 4 * MIB, c);
            assertSameAsInMemory(c, Arrays.copyOfRange(data, 1000, data.length), 1000, drain(s));
            assertEquals(data.length - 1000, s.bytesRead());
            assertTrue(s.endedEarly());

            ChunkStream past = new ChunkStream(ch, data.length + 10, 100, c);
            assertFalse(past.next());
            assertEquals(0, past.bytesRead());
            assertTrue(past.endedEarly());
        }
    }

    @Test
    void fileThatShrinksWhileReadStopsCleanly(@TempDir Path dir) throws IOException {
        Fastcdc c = FastcdcTest.small();
        byte[] data = FastcdcTest.random(14, 2 * MIB);
        Path f = dir.resolve("f");
        Files.write(f, data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ChunkStream s = new ChunkStream(ch, 0, data.length, c);
            List<Chunk> got = new ArrayList<>();
            for (int i = 0; i < 3 && s.next(); i++) {
                got.add(chunk(s));
            }
            long cutTo = 300 * KIB;
            ch.truncate(cutTo);
            got.addAll(drain(s));
            assertTrue(s.endedEarly());
            assertTrue(s.bytesRead() >= cutTo && s.bytesRead() < data.length, "read " + s.bytesRead());
            // what was read is chunked as in memory, and nothing more
            assertSameAsInMemory(c, Arrays.copyOf(data, (int) s.bytesRead()), 0, got);
        }
    }

    @Test
    void emptyAndTinyRanges(@TempDir Path dir) throws IOException {
        Fastcdc c = FastcdcTest.small();
        Path f = dir.resolve("f");
        Files.write(f, new byte[] {1, 2, 3});
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ChunkStream empty = new ChunkStream(ch, 0, 0, c);
            assertFalse(empty.next());
            assertEquals(0, empty.bytesRead());
            ChunkStream three = new ChunkStream(ch, 0, 3, c);
            List<Chunk> got = drain(three);
            assertEquals(1, got.size());
            assertArrayEquals(new byte[] {1, 2, 3}, got.get(0).bytes());
            assertThrows(IllegalArgumentException.class, () -> new ChunkStream(ch, -1, 3, c));
            assertThrows(IllegalArgumentException.class, () -> new ChunkStream(ch, 0, -3, c));
        }
    }
}
