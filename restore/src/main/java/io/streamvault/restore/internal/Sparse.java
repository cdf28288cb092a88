package io.streamvault.restore.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** Writing that leaves zeros as holes, as they were in a sparse source. */
final class Sparse {
    /** Granularity of holes: the file-system block size of nearly every Linux file system. */
    static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private Sparse() {
    }

    /**
     * Writes {@code data} at {@code pos}, skipping every all-zero block of {@link #BLOCK} bytes.
     * Returns true when the data ends in a skipped block (the file must then be extended to its length).
     */
    static boolean write(FileChannel ch, byte[] data, long pos) throws IOException {
        int start = -1;
        boolean lastZero = false;
        for (int off = 0; off < data.length; off += BLOCK) {
            int len = Math.min(BLOCK, data.length - off);
            lastZero = isZero(data, off, len);
            if (lastZero && start >= 0) {
                write(ch, data, start, off - start, pos);
                start = -1;
            } else if (!lastZero && start < 0) {
                start = off;
            }
        }
        if (start >= 0) {
            write(ch, data, start, data.length - start, pos);
        }
        return lastZero;
    }

    private static void write(FileChannel ch, byte[] data, int off, int len, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        while (b.hasRemaining()) {
            ch.write(b, pos + b.position());
        }
    }

    static boolean isZero(byte[] b, int off, int len) {
        return Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
    }
}
