package io.streamvault.chunker;

/**
 * FastCDC content-defined chunking (Xia et al., USENIX ATC 2016; TPDS 2020): gear rolling hash,
 * cut-point skipping below the minimum size, and normalized chunking (level 2: a stricter mask
 * before the average size, a looser one after). Immutable and thread-safe.
 */
public final class Fastcdc {

    /**
     * @param min smallest chunk
     * @param avg target average, a power of two
     * @param max largest chunk
     * @param gearSeed secret seed of the gear table (from the vault config)
     */
    public Fastcdc(int min, int avg, int max, byte[] gearSeed) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Length of the chunk that starts at {@code buf[off]}, given {@code len} available bytes. The
     * caller passes at least {@code max} bytes unless the data ends sooner; then the last chunk
     * is whatever remains.
     */
    public int cut(byte[] buf, int off, int len) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public int min() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public int max() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
