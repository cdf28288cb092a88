package io.streamvault.vault.internal;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Writes large new files with direct I/O ({@code O_DIRECT}): the bytes go from one aligned buffer
 * per thread to the disk, not through the page cache.
 *
 * <p>Why: packs are written once and not read back by the backup, so caching them only evicts the
 * user's own data from memory; and copying them into page-cache pages the kernel has just allocated
 * costs more CPU than anything else in the write (on this project's 2-core VM a buffered write of
 * 1.4 GB took 3.6 s of system CPU, a direct one 0.13 s; docs/performance.md).
 *
 * <p>The last block is padded to the alignment and the file is then truncated to its length, and
 * the file is fsynced before {@link #write} returns, like the buffered path. Where the file system
 * refuses direct I/O (tmpfs, some FUSE and network file systems), or a direct write fails, the file
 * is removed, {@link #write} returns false and the caller writes it the usual way; this instance
 * then stops trying. {@code STREAMVAULT_DIRECT_IO=0} turns it off.
 */
final class DirectWriter {
    /** Smaller files go through the page cache: not worth a synchronous device write each. */
    static final int MIN_BYTES = 1 << 20;
    /** Buffer addresses, file offsets and lengths of direct writes are multiples of this. */
    static final int ALIGN = 4096;
    private static final int BUFFER = 8 << 20;
    private static final boolean ENABLED = !"0".equals(System.getenv("STREAMVAULT_DIRECT_IO"));
    private static final byte[] ZEROS = new byte[ALIGN];
    private static final ThreadLocal<ByteBuffer> BUFFERS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER + ALIGN).alignedSlice(ALIGN));

    private volatile boolean refused = !ENABLED;

    /**
     * Creates {@code file} (which must not exist) holding the bytes of {@code data} from its
     * position to its limit, durable on return. False, with no file left, when direct I/O is not
     * used for it. A direct buffer at position 0, aligned, with room for the padding before its
     * capacity, is written as it is (its bytes past the limit are zeroed for the padding); any other
     * goes through this thread's aligned buffer.
     */
    boolean write(Path file, ByteBuffer data) throws IOException {
        int n = data.remaining();
        if (refused || n < MIN_BYTES) {
            return false;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT));
        } catch (IOException | UnsupportedOperationException e) {
            refused = true; // EINVAL: this file system has no O_DIRECT
            Files.deleteIfExists(file);
            return false;
        }
        try (ch) {
            int padded = (n + ALIGN - 1) & -ALIGN;
            if (data.isDirect() && data.position() == 0 && data.capacity() >= padded
                    && data.alignmentOffset(0, ALIGN) == 0) {
                ByteBuffer w = data.duplicate().limit(padded);
                w.put(n, ZEROS, 0, padded - n);
                while (w.hasRemaining()) {
                    ch.write(w);
                }
            } else {
                ByteBuffer src = data.duplicate();
                ByteBuffer buf = BUFFERS.get();
                while (src.hasRemaining()) {
                    int k = Math.min(buf.capacity(), src.remaining());
                    buf.clear();
                    buf.put(src.slice(src.position(), k));
                    src.position(src.position() + k);
                    buf.put(ZEROS, 0, -k & (ALIGN - 1)); // only the last slice can be short
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
            }
            ch.truncate(n);
            ch.force(true);
            return true;
        } catch (IOException e) {
            // The buffered path retries it; a real error (a full disk) will fail there too, and be reported.
            refused = true;
            Files.deleteIfExists(file);
            return false;
        }
    }
}
