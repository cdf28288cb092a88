package io.streamvault.chunker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Cuts a byte range of a file into chunks with one reusable buffer: no copy per chunk. Not
 * thread-safe. After {@link #next()} returns true, the chunk is the bytes of {@link #buffer()} at
 * absolute indexes {@code [bufferOffset(), bufferOffset()+length())} and starts at file offset
 * {@link #offset()}; the view is valid until the next call.
 *
 * <p>The buffer is the caller's (a direct one, reused from file to file: the kernel reads straight
 * into it, where a heap buffer costs the JDK a copy of every byte from its own direct buffer), or
 * one of its own. The file is read with positional reads (the channel's position is neither used
 * nor moved), in large blocks into up to {@code 2 * max} bytes; when less than {@code max} bytes are left
 * unchunked, they are moved to the front and the rest of the buffer is filled again. If the file
 * ends before {@code offset + length} (it shrank since it was listed), the bytes that were there are
 * still chunked, {@link #next()} then returns false, {@link #endedEarly()} is true and
 * {@link #bytesRead()} says how much was read. Bytes past {@code offset + length} are never read,
 * so a file that grew is cut as it was listed.
 */
public final class ChunkStream {
    /** Positioned reads of a file: {@link FileChannel#read(ByteBuffer, long)}'s contract. */
    @FunctionalInterface
    public interface Source {
        int read(ByteBuffer dst, long position) throws IOException;
    }

    private final Source channel;
    private final Fastcdc cdc;
    private final long start;
    private final long end;
    private final ByteBuffer buf;
    /** Bytes of {@code buf} used: {@code 2 * max}, or less for a short range. */
    private final int size;
    private final int max;

    /** Next file position to read. */
    private long readPos;
    /** Unchunked bytes are buf[head, tail). */
    private int head;
    private int tail;
    /** No more reads: the range is read or the file ended. */
    private boolean eof;
    private boolean endedEarly;

    private long chunkOffset;
    private int chunkBufOffset;
    private int chunkLength;
    /** File offset of buf[head]. */
    private long headOffset;

    /** A stream with a heap buffer of its own. */
    public ChunkStream(FileChannel channel, long offset, long length, Fastcdc cdc) {
        this(channel::read, offset, length, cdc, null);
    }

    /** A stream reading into {@code buffer} (see below) from a channel. */
    public ChunkStream(FileChannel channel, long offset, long length, Fastcdc cdc, ByteBuffer buffer) {
        this(channel::read, offset, length, cdc, buffer);
    }

    /**
     * A stream reading into {@code buffer} (at least {@link #bufferSize} bytes of capacity; its
     * position and limit are not used), or into a heap buffer of its own when that is null.
     */
    public ChunkStream(Source channel, long offset, long length, Fastcdc cdc, ByteBuffer buffer) {
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
        this.channel = channel;
        this.cdc = cdc;
        this.start = offset;
        this.end = offset + length;
        this.max = cdc.max();
        this.size = (int) Math.min(bufferSize(cdc), Math.max(length, 1)); // a small file needs no large buffer
        if (buffer != null && buffer.capacity() < size) {
            throw new IllegalArgumentException("a buffer of " + buffer.capacity() + " bytes, " + size + " needed");
        }
        this.buf = buffer != null ? buffer.duplicate().clear() : ByteBuffer.allocate(size);
        this.readPos = offset;
        this.headOffset = offset;
        this.chunkOffset = offset;
        this.eof = length == 0;
    }

    /** The buffer a stream may need: twice the largest chunk. */
    public static int bufferSize(Fastcdc cdc) {
        return 2 * cdc.max();
    }

    /** Advances to the next chunk; false at the end of the range (or if the file ends early). */
    public boolean next() throws IOException {
        if (!eof && tail - head < max) {
            fill();
        }
        int avail = tail - head;
        if (avail == 0) {
            chunkBufOffset = head;
            chunkLength = 0;
            chunkOffset = headOffset;
            return false;
        }
        int n = cdc.cut(buf, head, avail);
        chunkBufOffset = head;
        chunkLength = n;
        chunkOffset = headOffset;
        head += n;
        headOffset += n;
        return true;
    }

    private void fill() throws IOException {
        if (head > 0) {
            int rest = tail - head;
            buf.limit(tail).position(head);
            buf.compact();
            head = 0;
            tail = rest;
        }
        while (tail < size && readPos < end) {
            int want = (int) Math.min(size - tail, end - readPos);
            buf.limit(tail + want).position(tail);
            int r = channel.read(buf, readPos);
            if (r <= 0) { // -1: end of file before the end of the range
                endedEarly = true;
                eof = true;
                buf.clear();
                return;
            }
            tail += r;
            readPos += r;
        }
        buf.clear(); // the chunks are read at absolute indexes, below the limit
        if (readPos >= end) {
            eof = true;
        }
    }

    /** File offset of the current chunk. */
    public long offset() {
        return chunkOffset;
    }

    public int length() {
        return chunkLength;
    }

    /** The buffer the chunks are in (a view of the caller's; read it at absolute indexes, ignoring its position). */
    public ByteBuffer buffer() {
        return buf;
    }

    public int bufferOffset() {
        return chunkBufOffset;
    }

    /** Bytes read from the file so far. */
    public long bytesRead() {
        return readPos - start;
    }

    /**
     * True once a read met the end of the file before {@code offset + length}: the file shrank.
     * Then {@link #bytesRead()} is the length that was found.
     */
    public boolean endedEarly() {
        return endedEarly;
    }
}
