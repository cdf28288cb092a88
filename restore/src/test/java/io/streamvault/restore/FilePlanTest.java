package io.streamvault.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.TestVault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePlanTest {
    private static final long T = 1_700_000_000_000_000_000L;
    @TempDir
    Path tmp;

    /** A plan of chunks with these lengths, located in a made-up index. */
    private static FilePlan plan(int... lengths) {
        List<BlobId> ids = new ArrayList<>();
        Map<BlobId, BlobLocation> index = new HashMap<>();
        for (int i = 0; i < lengths.length; i++) {
            byte[] b = new byte[BlobId.LENGTH];
            b[0] = (byte) i;
            BlobId id = BlobId.of(b);
            ids.add(id);
            index.put(id, new BlobLocation(id, BlobType.DATA, "pack" + i, 0, lengths[i] + 40, lengths[i]));
        }
        return FilePlan.of(file(ids), index::get);
    }

    private static Node file(List<BlobId> content) {
        return TestVault.file("f".getBytes(StandardCharsets.UTF_8), content, 0, T);
    }

    /** Each slice as {chunk index, from, to}. */
    private static List<List<Long>> slices(FilePlan p, long start, long length) {
        return p.range(start, length).stream()
                .map(s -> List.of((long) p.chunks().indexOf(s.chunk()), (long) s.from(), (long) s.to())).toList();
    }

    private static void assertRefused(ErrorCode code, Runnable r) {
        FatalException e = assertThrows(FatalException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void chunksHaveTheirOffsetsInTheFile() {
        FilePlan p = plan(100, 50, 200);
        assertEquals(350, p.size());
        assertEquals(List.of(0L, 100L, 150L), p.chunks().stream().map(FilePlan.Chunk::offset).toList());
        assertEquals(List.of(100L, 150L, 350L), p.chunks().stream().map(FilePlan.Chunk::end).toList());
        assertEquals("pack1", p.chunks().get(1).location().pack());
    }

    @Test
    void rangesAtChunkBoundariesReadOnlyTheChunksThatHoldThem() {
        FilePlan p = plan(100, 50, 200);
        assertEquals(List.of(List.of(0L, 0L, 100L)), slices(p, 0, 100), "exactly the first chunk");
        assertEquals(List.of(List.of(1L, 0L, 50L)), slices(p, 100, 50), "exactly the second chunk");
        assertEquals(List.of(List.of(0L, 99L, 100L), List.of(1L, 0L, 1L)), slices(p, 99, 2), "across a boundary");
        assertEquals(List.of(List.of(1L, 49L, 50L)), slices(p, 149, 1), "the last byte of a chunk");
        assertEquals(List.of(List.of(2L, 0L, 1L)), slices(p, 150, 1), "the first byte of a chunk");
        assertEquals(List.of(List.of(0L, 10L, 100L), List.of(1L, 0L, 50L), List.of(2L, 0L, 5L)), slices(p, 10, 145));
        assertEquals(List.of(List.of(0L, 0L, 100L), List.of(1L, 0L, 50L), List.of(2L, 0L, 200L)), slices(p, 0, 350),
                "the whole file");
    }

    @Test
    void theLastByte() {
        FilePlan p = plan(100, 50, 200);
        assertEquals(List.of(List.of(2L, 199L, 200L)), slices(p, 349, 1));
        assertEquals(List.of(List.of(1L, 0L, 1L)), slices(plan(100, 1), 100, 1), "a last chunk of one byte");
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(349, 2));
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(350, 1));
    }

    @Test
    void zeroLengthRangesReadNothing() {
        FilePlan p = plan(100, 50, 200);
        assertEquals(List.of(), p.range(0, 0));
        assertEquals(List.of(), p.range(100, 0), "at a boundary");
        assertEquals(List.of(), p.range(120, 0), "inside a chunk");
        assertEquals(List.of(), p.range(350, 0), "at the end");
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(351, 0));
    }

    @Test
    void rangesOutsideTheFileAreRefused() {
        FilePlan p = plan(100, 50, 200);
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(-1, 1));
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(0, -1));
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(0, 351));
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(1, Long.MAX_VALUE));
    }

    @Test
    void anEmptyFileHasNoChunksNoSegmentsAndOnlyTheEmptyRange() {
        FilePlan p = plan();
        assertEquals(0, p.size());
        assertEquals(List.of(), p.chunks());
        assertEquals(List.of(), p.range(0, 0));
        assertEquals(List.of(), p.segments(1));
        assertRefused(ErrorCode.RANGE_NOT_SATISFIABLE, () -> p.range(0, 1));
    }

    @Test
    void emptyChunksAreNeverRead() {
        FilePlan p = plan(10, 0, 10);
        assertEquals(List.of(10L, 10L), List.of(p.chunks().get(1).offset(), p.chunks().get(2).offset()));
        assertEquals(List.of(List.of(0L, 9L, 10L), List.of(2L, 0L, 1L)), slices(p, 9, 2));
        assertEquals(List.of(List.of(2L, 0L, 10L)), slices(p, 10, 10));
    }

    @Test
    void segmentsAreRunsOfWholeChunks() {
        FilePlan p = plan(100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
        assertEquals(List.of(new FilePlan.Segment(0, 3, 0, 300), new FilePlan.Segment(3, 6, 300, 300),
                new FilePlan.Segment(6, 9, 600, 300), new FilePlan.Segment(9, 10, 900, 100)), p.segments(250));
        assertEquals(List.of(new FilePlan.Segment(0, 2, 0, 200), new FilePlan.Segment(2, 4, 200, 200),
                new FilePlan.Segment(4, 6, 400, 200), new FilePlan.Segment(6, 8, 600, 200),
                new FilePlan.Segment(8, 10, 800, 200)), p.segments(200), "a segment ends on reaching the size");
        assertEquals(List.of(new FilePlan.Segment(0, 10, 0, 1000)), p.segments(1000), "a small file is one segment");
        assertEquals(10, p.segments(1).size(), "at least one chunk per segment");
        assertEquals(List.of(new FilePlan.Segment(0, 1, 0, 500), new FilePlan.Segment(1, 3, 500, 20)),
                plan(500, 10, 10).segments(100), "a chunk larger than a segment is a segment of its own");
        assertRefused(ErrorCode.INVALID_ARGUMENT, () -> p.segments(0));
    }

    @Test
    void aMissingChunkOrADirectoryIsRefused() {
        byte[] b = new byte[BlobId.LENGTH];
        b[5] = 7;
        BlobId lost = BlobId.of(b);
        FatalException e = assertThrows(FatalException.class, () -> FilePlan.of(file(List.of(lost)), id -> null));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertEquals("chunk " + lost.shortHex() + " is in no index of the vault", e.getMessage());
        assertRefused(ErrorCode.INVALID_ARGUMENT, () -> FilePlan.of(TestVault.dir(new byte[] {'d'}, lost, T), id -> null));
    }

    @Test
    void slicesReadFromARealVaultAreTheFileBytes() throws Exception {
        byte[] data = new byte[4500];
        new Random(7).nextBytes(data);
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 1000)) {
            List<BlobId> content = tv.content(data);
            tv.snapshot(tv.tree(List.of(file(content))), "/src".getBytes(StandardCharsets.UTF_8), "h");
            MasterIndex index = tv.vault.loadIndex();
            FilePlan p = FilePlan.of(file(content), index);
            assertEquals(data.length, p.size());
            assertEquals(5, p.chunks().size());
            long[][] ranges = {{0, 4500}, {0, 1}, {999, 1}, {999, 2}, {1000, 1000}, {4499, 1}, {1500, 2500}, {4000, 500},
                {2000, 0}};
            for (long[] r : ranges) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                for (FilePlan.Slice s : p.range(r[0], r[1])) {
                    got.write(tv.vault.readBlob(s.chunk().location()), s.from(), s.length());
                }
                byte[] want = new byte[(int) r[1]];
                System.arraycopy(data, (int) r[0], want, 0, want.length);
                assertArrayEquals(want, got.toByteArray(), r[0] + "+" + r[1]);
            }
            assertTrue(p.range(999, 2).size() == 2 && p.range(1000, 1000).size() == 1, "only the chunks in the range");
        }
    }
}
