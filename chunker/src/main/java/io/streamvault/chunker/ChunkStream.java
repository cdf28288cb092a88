package io.streamvault.chunker;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Cuts a byte range of a file into chunks with one reusable buffer: no copy per chunk. Not
 * thread-safe. After {@link #next()} returns true, the chunk is
 * {@code buffer()[bufferOffset() .. bufferOffset()+length())} and starts at file offset
 * {@link #offset()}; the view is valid until the next call.
 */
public final class ChunkStream {

    public ChunkStream(FileChannel channel, long offset, long length, Fastcdc cdc) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Advances to the next chunk; false at the end of the range (or if the file ends early). */
    public boolean next() throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public long offset() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public int length() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public byte[] buffer() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public int bufferOffset() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Bytes read from the file so far. */
    public long bytesRead() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
