package io.streamvault.common.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyFileTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void readsAtPositionsIntoDirectAndHeapBuffersLikeAFileChannel() throws IOException {
        Path f = Files.write(dir.resolve("f"), bytes(100_000));
        try (ReadOnlyFile r = ReadOnlyFile.open(f)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(70_000).position(5);
            assertEquals(69_995, r.read(direct, 1000));
            assertEquals(70_000, direct.position());
            byte[] got = new byte[69_995];
            direct.position(5).get(got);
            assertArrayEquals(Arrays.copyOfRange(bytes(100_000), 1000, 70_995), got);

            ByteBuffer heap = ByteBuffer.allocate(50).position(10);
            assertEquals(40, r.read(heap, 99_960));
            assertArrayEquals(Arrays.copyOfRange(bytes(100_000), 99_960, 100_000),
                    Arrays.copyOfRange(heap.array(), 10, 50));
            assertEquals(-1, r.read(ByteBuffer.allocateDirect(10), 100_000), "the end of the file");
            assertEquals(0, r.read(ByteBuffer.allocateDirect(0), 0));
        }
    }

    @Test
    void aSymlinkIsNotFollowedAndAMissingFileIsNamed() throws IOException {
        Path target = Files.write(dir.resolve("target"), bytes(10));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        FileSystemException e = assertThrows(FileSystemException.class, () -> ReadOnlyFile.open(link));
        assertEquals(ReadOnlyFile.SYMLINK, Posix.reason(e), "a short reason, as the others");
        NoSuchFileException gone = assertThrows(NoSuchFileException.class, () -> ReadOnlyFile.open(dir.resolve("gone")));
        assertTrue(gone.getMessage().contains("gone"), gone.getMessage());
    }

    /**
     * A read leaves the access time as it was. Control: a read through a FileChannel of a file whose
     * access time is older than its modification time updates it (relatime, the default), unless this
     * file system never updates access times (noatime), where the test cannot tell and is skipped.
     */
    @Test
    void aReadLeavesTheAccessTimeAsItWas() throws IOException {
        Path control = Files.write(dir.resolve("control"), bytes(64));
        Path f = Files.write(dir.resolve("f"), bytes(64));
        long old = Posix.lstat(f).mtimeNs() - TimeUnit.HOURS.toNanos(2);
        Posix.setTimes(control, old, Posix.lstat(control).mtimeNs());
        Posix.setTimes(f, old, Posix.lstat(f).mtimeNs());
        try (FileChannel ch = FileChannel.open(control, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.allocate(64), 0);
        }
        assumeTrue(Posix.lstat(control).atimeNs() != old, "this file system does not update access times on reads");
        try (ReadOnlyFile r = ReadOnlyFile.open(f)) {
            assertEquals(64, r.read(ByteBuffer.allocateDirect(64), 0));
        }
        assertEquals(old, Posix.lstat(f).atimeNs(), "the access time is unchanged");
        assertNotEquals(old, Posix.lstat(control).atimeNs());
    }
}
