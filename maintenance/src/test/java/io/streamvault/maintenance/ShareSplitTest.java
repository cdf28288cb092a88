package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.maintenance.internal.ShareSplit;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of the plans' shares (docs/capacity.md, Shares): fixed cases, then generated ones
 * against an exact reference (each owner's share as a decimal fraction). Each case is drawn from its
 * own seed, which the failure message names.
 */
class ShareSplitTest {

    private static ShareSplit.Group group(long bytes, int... owners) {
        return new ShareSplit.Group(owners, bytes);
    }

    @Test
    void uniqueBytesStayWithTheirOwnerAndSharedOnesAreSplitEqually() {
        ShareSplit.Split s = ShareSplit.split(3, List.of(group(100, 0), group(7, 2), group(30, 0, 1, 2), group(10, 1, 2)));
        assertArrayEquals(new long[] {100, 0, 7}, s.unique());
        assertArrayEquals(new long[] {10, 15, 15}, s.shared(), "30/3 each, and 10/2 to owners 1 and 2");
    }

    @Test
    void theBytesRoundingLeavesGoToTheLargestRemaindersThenTheLowerOwner() {
        // exact shares: owner 0 gets 1/3 + 1/2 = 5/6 of a byte, owner 1 gets 1/3 + 1/2, owner 2 gets 1/3
        ShareSplit.Split s = ShareSplit.split(3, List.of(group(1, 0, 1, 2), group(1, 0, 1)));
        assertArrayEquals(new long[] {1, 1, 0}, s.shared());
        // three owners, one byte: all remainders equal, the lowest index takes it
        assertArrayEquals(new long[] {1, 0, 0}, ShareSplit.split(3, List.of(group(1, 0, 1, 2))).shared());
        assertArrayEquals(new long[] {0, 0}, ShareSplit.split(2, List.of()).shared(), "nothing to split");
    }

    @Test
    void generatedSplitsAddUpExactlyAndStayWithinAByteOfTheExactShare() {
        for (int c = 0; c < 2000; c++) {
            long seed = 0x5eedL * 7919 + c;
            SplittableRandom rnd = new SplittableRandom(seed);
            int owners = 1 + rnd.nextInt(c % 10 == 0 ? 40 : 7);
            List<ShareSplit.Group> groups = new ArrayList<>();
            int n = rnd.nextInt(30);
            for (int g = 0; g < n; g++) {
                List<Integer> members = new ArrayList<>();
                for (int o = 0; o < owners; o++) {
                    if (rnd.nextInt(3) == 0) {
                        members.add(o);
                    }
                }
                if (members.isEmpty()) {
                    members.add(rnd.nextInt(owners));
                }
                long bytes = rnd.nextInt(4) == 0 ? rnd.nextInt(5) : rnd.nextLong(1L << 50);
                groups.add(new ShareSplit.Group(members.stream().mapToInt(Integer::intValue).toArray(), bytes));
            }
            ShareSplit.Split s = ShareSplit.split(owners, groups);

            long uniqueTotal = 0;
            long sharedTotal = 0;
            long[] unique = new long[owners];
            BigDecimal[] exact = new BigDecimal[owners];
            Arrays.fill(exact, BigDecimal.ZERO);
            for (ShareSplit.Group g : groups) {
                if (g.owners().length == 1) {
                    unique[g.owners()[0]] += g.bytes();
                    uniqueTotal += g.bytes();
                } else {
                    sharedTotal += g.bytes();
                    for (int o : g.owners()) {
                        exact[o] = exact[o].add(new BigDecimal(g.bytes()).divide(new BigDecimal(g.owners().length),
                                MathContext.DECIMAL128));
                    }
                }
            }
            assertArrayEquals(unique, s.unique(), "seed " + seed + ": unique bytes are exact");
            long got = 0;
            for (int o = 0; o < owners; o++) {
                got += s.shared()[o];
                BigDecimal off = new BigDecimal(s.shared()[o]).subtract(exact[o]).abs();
                assertTrue(off.compareTo(BigDecimal.ONE) < 0, "seed " + seed + ": owner " + o + " got " + s.shared()[o]
                        + " of an exact " + exact[o]);
                assertTrue(s.shared()[o] >= 0, "seed " + seed);
            }
            assertEquals(sharedTotal, got, "seed " + seed + ": the shared parts add up exactly");
            long all = 0;
            for (int o = 0; o < owners; o++) {
                all += s.unique()[o] + s.shared()[o];
            }
            assertEquals(uniqueTotal + sharedTotal, all, "seed " + seed);
        }
    }
}
