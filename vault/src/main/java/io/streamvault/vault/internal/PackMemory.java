package io.streamvault.vault.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Native memory a pack is assembled in: blobs are sealed straight into it, its id is hashed where
 * it lies, and a local vault writes it to disk from here with direct I/O. Nothing of a pack goes
 * through the Java heap, so a backup allocates no array per blob or per pack.
 *
 * <p>Aligned to {@link #ALIGN} bytes, with room to pad the last block, as direct I/O needs. Freed
 * by {@link #close()} (the pool does it), or by the garbage collector if a pack is dropped unwritten.
 */
final class PackMemory implements AutoCloseable {
    static final int ALIGN = DirectWriter.ALIGN;
    private final Memory raw;
    private final Memory aligned;
    private final long capacity;

    /** At least {@code capacity} usable bytes, plus the padding of the last block. */
    PackMemory(long capacity) {
        this.capacity = roundUp(capacity);
        this.raw = new Memory(this.capacity + ALIGN);
        this.aligned = raw.align(ALIGN);
    }

    static long roundUp(long n) {
        return (n + ALIGN - 1) & -ALIGN;
    }

    /** Usable bytes (a multiple of {@link #ALIGN}). */
    long capacity() {
        return capacity;
    }

    Pointer at(long offset) {
        return aligned.share(offset);
    }

    void write(long offset, byte[] b, int off, int len) {
        aligned.write(offset, b, off, len);
    }

    /** The first {@code length} bytes as a direct buffer, whose capacity allows padding them to a block. */
    ByteBuffer view(long length) {
        return aligned.getByteBuffer(0, capacity).limit(Math.toIntExact(length));
    }

    @Override
    public void close() {
        raw.close();
    }
}
