package io.streamvault.maintenance.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which owners reach each index entry, as a set number per entry (an int each): the distinct sets are
 * kept once. Owners must reach entries in increasing owner order (all of owner 0's, then owner 1's,
 * ...), each entry at most once per owner, so that a set grows by appending.
 */
public final class OwnerSets {
    private final int[] setOf;
    private final List<int[]> sets = new ArrayList<>();
    private final Map<Long, Integer> grown = new HashMap<>();
    private int lastFrom = -1;
    private int lastOwner = -1;
    private int lastTo = -1;

    public OwnerSets(int entries) {
        setOf = new int[entries];
        sets.add(new int[0]);
    }

    /** Owner {@code owner} reaches {@code entry}. */
    public void reach(int entry, int owner) {
        int from = setOf[entry];
        if (from != lastFrom || owner != lastOwner) {
            lastFrom = from;
            lastOwner = owner;
            lastTo = grown.computeIfAbsent(((long) from << 32) | owner, k -> {
                int[] members = sets.get(from);
                int[] more = Arrays.copyOf(members, members.length + 1);
                more[members.length] = owner;
                sets.add(more);
                return sets.size() - 1;
            });
        }
        setOf[entry] = lastTo;
    }

    /** The set of {@code entry}: 0 when no owner reaches it. */
    public int setOf(int entry) {
        return setOf[entry];
    }

    public int sets() {
        return sets.size();
    }

    public int[] owners(int set) {
        return sets.get(set);
    }
}
