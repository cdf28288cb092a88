package io.streamvault.maintenance.internal;

/** One bit per entry of an index (see {@code MasterIndex.entryOf}): garbage collection's mark. */
public final class EntryBits {
    private final long[] words;
    private long count;

    public EntryBits(int entries) {
        words = new long[(entries + 63) >>> 6];
    }

    /** Sets the bit; true when it was not set before. */
    public boolean set(int entry) {
        long bit = 1L << entry;
        int w = entry >>> 6;
        if ((words[w] & bit) != 0) {
            return false;
        }
        words[w] |= bit;
        count++;
        return true;
    }

    public boolean get(int entry) {
        return (words[entry >>> 6] & (1L << entry)) != 0;
    }

    /** Bits set. */
    public long count() {
        return count;
    }
}
