package io.streamvault.chunker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastcdcTest {
    static final byte[] SEED = "streamvault test seed".getBytes(UTF_8);
    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;

    static Fastcdc small() {
        return new Fastcdc(2 * KIB, 8 * KIB, 32 * KIB, SEED);
    }

    static Fastcdc defaults() {
        return new Fastcdc(256 * KIB, MIB, 4 * MIB, SEED);
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Chunk lengths of the whole array, cut as a caller with all the data in memory would. */
    static List<Integer> lengths(Fastcdc c, byte[] data) {
        List<Integer> r = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = c.cut(data, off, data.length - off);
            assertTrue(n > 0 && n <= data.length - off, "cut returned " + n);
            r.add(n);
            off += n;
        }
        return r;
    }

    /** Chunk end offsets (exclusive), cumulative. */
    static long[] ends(List<Integer> lengths) {
        long[] e = new long[lengths.size()];
        long s = 0;
        for (int i = 0; i < e.length; i++) {
            s += lengths.get(i);
            e[i] = s;
        }
        return e;
    }

    /**
     * The algorithm as the class Javadoc states it, byte by byte, with nothing optimized: the
     * optimized {@link Fastcdc#cut} must agree with it everywhere.
     */
    static int reference(byte[] seed, int min, int avg, int max, byte[] data, int off, int len) throws Exception {
        long[] gear = new long[256];
        for (int i = 0; i < 256; i++) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(seed);
            sha.update(new byte[] {(byte) i});
            gear[i] = new BigInteger(1, Arrays.copyOf(sha.digest(), 8)).longValue();
        }
        int b = Integer.numberOfTrailingZeros(avg);
        long maskS = 0;
        for (int k = 0; k < b + 2; k++) {
            maskS |= 1L << (63 - k);
        }
        long maskL = 0;
        for (int k = 0; k < b - 2; k++) {
            maskL |= 1L << (63 - k);
        }
        long h = 0;
        for (int k = 0; k < len; k++) {
            if (k == max) {
                return max;
            }
            if (k < min) {
                continue;
            }
            h = h * 2 + gear[data[off + k] & 0xff];
            if ((h & (k < avg ? maskS : maskL)) == 0) {
                return k + 1;
            }
        }
        return Math.min(len, max);
    }

    @Test
    void agreesWithTheReferenceDefinition() throws Exception {
        int[][] sizes = {{2 * KIB, 8 * KIB, 32 * KIB}, {100, 256, 1000}, {1, 64, 65}, {4000, 4096, 100_000}};
        Random rnd = new Random(7);
        for (int[] s : sizes) {
            Fastcdc c = new Fastcdc(s[0], s[1], s[2], SEED);
            byte[] data = random(s[2], 6 * s[2] + 77);
            int off = 0;
            int count = 0;
            while (off < data.length) {
                int n = c.cut(data, off, data.length - off);
                assertEquals(reference(SEED, s[0], s[1], s[2], data, off, data.length - off), n,
                        Arrays.toString(s) + " at " + off);
                off += n;
                count++;
            }
            assertTrue(count > 3);
            // arbitrary windows, including ones shorter than max
            for (int t = 0; t < 50; t++) {
                int o = rnd.nextInt(data.length);
                int l = rnd.nextInt(data.length - o + 1);
                assertEquals(reference(SEED, s[0], s[1], s[2], data, o, l), c.cut(data, o, l));
            }
        }
    }

    @Test
    void knownAnswer() {
        // Pins the format: these boundaries must never change, or old chunks stop deduplicating.
        byte[] data = new byte[300 * KIB];
        new Random(20240601L).nextBytes(data); // java.util.Random's sequence is specified
        List<Integer> got = lengths(small(), data);
        assertEquals(KNOWN_LENGTHS, got);
    }

    /**
     * Written down from this implementation once it agreed with {@link #reference} (the Javadoc's
     * definition); kept so that a later change cannot move boundaries unnoticed.
     */
    static final List<Integer> KNOWN_LENGTHS = List.of(9841, 9053, 9503, 8377, 9554, 10383, 8840, 9693, 8353,
            11507, 10325, 9362, 2705, 11112, 9340, 8775, 2609, 9743, 14776, 10913, 10290, 9741, 10338, 8329, 9479,
            6692, 10227, 12857, 2347, 10433, 4293, 3695, 10093, 10523, 3099);

    @Test
    void deterministic() {
        byte[] data = random(1, 4 * MIB);
        assertEquals(lengths(small(), data), lengths(small(), data.clone()));
        assertEquals(lengths(defaults(), data), lengths(new Fastcdc(256 * KIB, MIB, 4 * MIB, SEED.clone()), data));
    }

    @Test
    void boundsAndCoverage() {
        for (Fastcdc c : List.of(small(), defaults())) {
            byte[] data = random(2, 24 * MIB + 12345);
            List<Integer> l = lengths(c, data);
            for (int i = 0; i < l.size() - 1; i++) {
                int n = l.get(i);
                assertTrue(n > c.min() && n <= c.max(), "chunk " + i + " has " + n + " bytes");
            }
            int last = l.get(l.size() - 1);
            assertTrue(last > 0 && last <= c.max());
            // the chunks, concatenated, are the input
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
            int off = 0;
            for (int n : l) {
                out.write(data, off, n);
                off += n;
            }
            assertArrayEquals(data, out.toByteArray());
        }
    }

    @Test
    void shortInputs() {
        Fastcdc c = small();
        byte[] data = random(3, 40 * KIB);
        assertEquals(0, c.cut(data, 0, 0));
        assertEquals(1, c.cut(data, 5, 1));
        assertEquals(c.min(), c.cut(data, 0, c.min()));
        int n = c.cut(data, 0, c.min() + 10);
        assertTrue(n > c.min() && n <= c.min() + 10);
        assertTrue(c.cut(data, 0, data.length) <= c.max());
        assertThrows(IndexOutOfBoundsException.class, () -> c.cut(data, 1, data.length));
        assertThrows(IndexOutOfBoundsException.class, () -> c.cut(data, -1, 10));
    }

    @Test
    void averageOnRandomData() {
        // min = avg/4, max = 4*avg: the mean is about 1.14 * avg, within 25% of it
        for (Fastcdc c : List.of(small(), defaults())) {
            byte[] data = random(4, c.avg() < MIB ? 32 * MIB : 160 * MIB);
            List<Integer> l = lengths(c, data);
            l = l.subList(0, l.size() - 1);
            double mean = l.stream().mapToLong(Integer::longValue).sum() / (double) l.size();
            System.out.printf("Fastcdc %d/%d/%d: %d chunks, mean %.0f bytes = %.3f * avg%n", c.min(), c.avg(),
                    c.max(), l.size(), mean, mean / c.avg());
            assertTrue(mean > 0.75 * c.avg() && mean < 1.25 * c.avg(), "mean " + mean);
            // normalized chunking: most chunks are between avg/2 and 2*avg
            long near = l.stream().filter(n -> n >= c.avg() / 2 && n <= 2 * c.avg()).count();
            assertTrue(near > 0.8 * l.size(), near + " of " + l.size() + " near the average");
        }
    }

    @Test
    void zerosGiveMaxSizeChunks() {
        for (Fastcdc c : List.of(small(), defaults())) {
            byte[] zeros = new byte[10 * c.max() + 1234];
            List<Integer> l = lengths(c, zeros);
            assertEquals(11, l.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(c.max(), l.get(i));
            }
            assertEquals(1234, l.get(10));
        }
    }

    @Test
    void insertingBytesNearTheStartMovesOnlyTheFirstChunks() {
        Fastcdc c = small();
        byte[] data = random(5, 8 * MIB);
        List<Integer> before = lengths(c, data);
        for (int[] edit : new int[][] {{100, 7}, {3000, 1}, {20_000, 64}}) {
            int at = edit[0];
            int n = edit[1];
            byte[] changed = new byte[data.length + n];
            System.arraycopy(data, 0, changed, 0, at);
            for (int i = 0; i < n; i++) {
                changed[at + i] = (byte) (i * 37 + 1);
            }
            System.arraycopy(data, at, changed, at + n, data.length - at);
            List<Integer> after = lengths(c, changed);
            assertSuffixShared(before, after, at, n);
        }
        // deleting bytes too
        byte[] shorter = new byte[data.length - 5];
        System.arraycopy(data, 0, shorter, 0, 500);
        System.arraycopy(data, 505, shorter, 500, data.length - 505);
        assertSuffixShared(before, lengths(c, shorter), 500, -5);
    }

    /** After at most two chunks that differ, the chunk lists are the same, shifted by {@code delta}. */
    private static void assertSuffixShared(List<Integer> before, List<Integer> after, int at, int delta) {
        long[] eb = ends(before);
        long[] ea = ends(after);
        // chunks wholly before the edit are unchanged
        int i = 0;
        while (eb[i] <= at) {
            assertEquals(eb[i], ea[i]);
            i++;
        }
        int firstChanged = i;
        // find where the lists meet again
        int j = firstChanged;
        while (j < ea.length && Arrays.binarySearch(eb, ea[j] - delta) < 0) {
            j++;
        }
        assertTrue(j - firstChanged < 2, "edit at " + at + " (" + delta + " bytes) changed " + (j - firstChanged + 1)
                + " chunks");
        int k = Arrays.binarySearch(eb, ea[j] - delta);
        assertEquals(before.subList(k + 1, before.size()), after.subList(j + 1, after.size()));
        assertTrue(k - firstChanged < 3, "the lists meet again right after the edit");
    }

    @Test
    void anotherSeedGivesOtherBoundaries() {
        byte[] data = random(6, 4 * MIB);
        List<Integer> a = lengths(small(), data);
        List<Integer> b = lengths(new Fastcdc(2 * KIB, 8 * KIB, 32 * KIB, "another seed".getBytes(UTF_8)), data);
        assertNotEquals(a, b);
        Set<Long> endsA = new HashSet<>();
        for (long e : ends(a)) {
            endsA.add(e);
        }
        long shared = Arrays.stream(ends(b)).filter(endsA::contains).count();
        assertTrue(shared < b.size() / 10, shared + " of " + b.size() + " boundaries shared");
        assertNotEquals(Fastcdc.gearTable(SEED)[0], Fastcdc.gearTable("another seed".getBytes(UTF_8))[0]);
    }

    @Test
    void gearTableIsSha256OfSeedAndIndex() throws Exception {
        long[] g = Fastcdc.gearTable(SEED);
        assertEquals(256, g.length);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 256; i++) {
            byte[] in = Arrays.copyOf(SEED, SEED.length + 1);
            in[SEED.length] = (byte) i;
            byte[] d = sha.digest(in);
            long v = ByteBuffer.wrap(d, 0, 8).getLong(); // big-endian
            assertEquals(v, g[i], "gear[" + i + "]");
        }
        assertEquals(256, Arrays.stream(g).distinct().count());
    }

    @Test
    void badSizesAreRefused() {
        int[][] bad = {{0, 8, 16}, {8, 8, 16}, {4, 100, 200}, {2, 64, 64}, {10, 64, 32}, {1, 32, 64},
            {1, 1 << 30, Integer.MAX_VALUE}};
        for (int[] s : bad) {
            FatalException e = assertThrows(FatalException.class, () -> new Fastcdc(s[0], s[1], s[2], SEED),
                    Arrays.toString(s));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
        assertThrows(FatalException.class, () -> new Fastcdc(2, 64, 128, null));
    }

    @Test
    void throughput() {
        // Prints the speed; asserts nothing about it (machines differ).
        Fastcdc c = defaults();
        byte[] data = random(8, 256 * MIB);
        long best = Long.MAX_VALUE;
        int chunks = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            int off = 0;
            chunks = 0;
            while (off < data.length) {
                off += c.cut(data, off, data.length - off);
                chunks++;
            }
            best = Math.min(best, System.nanoTime() - t0);
            assertEquals(data.length, off);
        }
        System.out.printf("Fastcdc throughput: %.0f MB/s (256 MiB of random data, %d chunks, best of 3)%n",
                data.length / (best / 1e9) / 1e6, chunks);
        assertTrue(chunks > 100);
    }
}
