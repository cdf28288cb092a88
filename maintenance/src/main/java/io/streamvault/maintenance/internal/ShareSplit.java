package io.streamvault.maintenance.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Splits stored bytes among owners (docs/capacity.md, Shares): bytes that one owner alone reaches
 * are its unique bytes; bytes that several reach are split equally among them. Each owner's part of
 * a shared group is exact as a fraction; the parts are summed exactly (over a common denominator) and
 * rounded down to whole bytes, and the bytes that rounding leaves over (fewer than there are owners)
 * go one each to the owners with the largest remainders, ties to the lower owner index. So the
 * shared parts add up exactly to the shared bytes, and each owner's is within one byte of its exact
 * share.
 */
public final class ShareSplit {
    /**
     * Bytes reached by exactly these owners.
     *
     * @param owners owner indexes, distinct, at least one
     */
    public record Group(int[] owners, long bytes) {
    }

    /** Per owner: the bytes it alone reaches, and its part of the bytes it shares. */
    public record Split(long[] unique, long[] shared) {
    }

    private ShareSplit() {
    }

    public static Split split(int owners, List<Group> groups) {
        long[] unique = new long[owners];
        long[] shared = new long[owners];
        BigInteger denominator = BigInteger.ONE;
        for (Group g : groups) {
            if (g.owners().length > 1) {
                BigInteger k = BigInteger.valueOf(g.owners().length);
                denominator = denominator.divide(denominator.gcd(k)).multiply(k);
            }
        }
        BigInteger[] numerators = new BigInteger[owners];
        Arrays.fill(numerators, BigInteger.ZERO);
        long sharedTotal = 0;
        for (Group g : groups) {
            if (g.owners().length == 1) {
                unique[g.owners()[0]] += g.bytes();
                continue;
            }
            sharedTotal += g.bytes();
            BigInteger part = BigInteger.valueOf(g.bytes()).multiply(denominator.divide(BigInteger.valueOf(g.owners().length)));
            for (int o : g.owners()) {
                numerators[o] = numerators[o].add(part);
            }
        }
        BigInteger[] remainders = new BigInteger[owners];
        long assigned = 0;
        for (int o = 0; o < owners; o++) {
            BigInteger[] qr = numerators[o].divideAndRemainder(denominator);
            shared[o] = qr[0].longValueExact();
            remainders[o] = qr[1];
            assigned += shared[o];
        }
        List<Integer> order = new ArrayList<>();
        for (int o = 0; o < owners; o++) {
            order.add(o);
        }
        order.sort(Comparator.comparing((Integer o) -> remainders[o]).reversed().thenComparing(o -> o));
        long left = sharedTotal - assigned;
        for (int i = 0; i < left; i++) {
            shared[order.get(i)]++;
        }
        return new Split(unique, shared);
    }
}
