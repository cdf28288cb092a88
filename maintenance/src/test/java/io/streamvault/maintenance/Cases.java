package io.streamvault.maintenance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Runs a property of the retention tests over many random cases, each drawn from its own seed:
 * case k draws everything from {@code new SplittableRandom(k)}, so its seed alone replays it. Seeds
 * 1..N are fixed, so a run is repeatable and its coverage checks cannot flicker.
 *
 * <ul>
 *   <li>{@code -Dretention.seed=S} runs only seed S (in every property; pick one with
 *       {@code -Dtest=Class#method}), prints its inputs and skips the coverage checks;
 *   <li>{@code -Dretention.cases=N} runs seeds 1..N instead of each property's default number.
 * </ul>
 *
 * A failing run reports the seed of its shortest failing case, that case's inputs, the command-line
 * flags that replay it, and the other failing seeds.
 */
final class Cases {
    static final String SEED = "retention.seed";
    static final String COUNT = "retention.cases";

    private static final int SEEDS_SHOWN = 10;

    private Cases() {
    }

    /** One case: its seed, the random numbers to draw its inputs from, and what it recorded. */
    static final class Case {
        private final long seed;
        private final SplittableRandom random;
        private final Map<String, Object> inputs = new LinkedHashMap<>();
        private final Set<String> hits = new LinkedHashSet<>();

        private Case(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }

        SplittableRandom random() {
            return random;
        }

        /** Records {@code value} as the input {@code name}, shown when the case fails; returns it. */
        <T> T input(String name, T value) {
            inputs.put(name, value);
            return value;
        }

        /** Counts this case under {@code label} when {@code hit}, for {@link Coverage#atLeast}. */
        void collect(String label, boolean hit) {
            if (hit) {
                hits.add(label);
            }
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            inputs.forEach((name, value) -> sb.append(name).append(": ").append(value).append('\n'));
            return sb.toString();
        }
    }

    private record Failure(Case c, Throwable error, String description) {
    }

    /** How often each label was hit over a whole run. */
    static final class Coverage {
        private final String property;
        private final int cases;
        private final Map<String, Integer> hits;

        private Coverage(String property, int cases, Map<String, Integer> hits) {
            this.property = property;
            this.cases = cases;
            this.hits = hits;
        }

        /**
         * Fails unless more than {@code percent} % of the cases were hit under {@code label}; does
         * nothing when one seed is replayed.
         */
        Coverage atLeast(String label, double percent) {
            if (cases == 0) {
                return this;
            }
            double share = 100.0 * hits.getOrDefault(label, 0) / cases;
            if (!(share > percent)) {
                throw new AssertionError(String.format("%s: the generators reach '%s' in %.1f %% of %d cases, "
                        + "expected more than %.1f %% (all labels: %s)", property, label, share, cases, percent, hits));
            }
            return this;
        }
    }

    /**
     * Runs {@code property} for seeds 1..{@code count} (or as the system properties say).
     *
     * @throws AssertionError for the failing cases, naming a seed and its inputs
     */
    static Coverage run(int count, Consumer<Case> property) {
        String caller = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst())
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "#" + f.getMethodName())
                .orElse("?");
        Long replay = longProperty(SEED);
        Long cases = longProperty(COUNT);
        long n = cases != null ? cases : count;
        if (n < 1) {
            throw new IllegalArgumentException("-D" + COUNT + " must be at least 1, not " + n);
        }
        long[] seeds = replay != null ? new long[] {replay} : LongStream.rangeClosed(1, n).toArray();

        Map<String, Integer> hits = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        for (long seed : seeds) {
            Case c = new Case(seed);
            try {
                property.accept(c);
            } catch (AssertionError | RuntimeException e) {
                failures.add(new Failure(c, e, c.describe()));
                continue;
            }
            if (replay != null) {
                System.out.println(caller + " seed " + seed + " passes:\n" + c.describe());
            }
            c.hits.forEach(label -> hits.merge(label, 1, Integer::sum));
        }
        if (!failures.isEmpty()) {
            throw failure(caller, seeds.length, failures);
        }
        return new Coverage(caller, replay != null ? 0 : seeds.length, hits);
    }

    private static AssertionError failure(String caller, int cases, List<Failure> failures) {
        Failure shortest = failures.stream().min(Comparator.comparingInt(f -> f.description().length())).orElseThrow();
        String others = failures.stream().limit(SEEDS_SHOWN).map(f -> Long.toString(f.c().seed))
                .collect(Collectors.joining(", ")) + (failures.size() > SEEDS_SHOWN ? ", ..." : "");
        Throwable e = shortest.error();
        String message = caller + " fails for seed " + shortest.c().seed + " (" + failures.size() + " of " + cases
                + " cases fail, seeds " + others + "; this is the shortest)\n"
                + "replay: -Dtest=" + caller + " -D" + SEED + "=" + shortest.c().seed + "\n"
                + shortest.description()
                + (e instanceof AssertionError ? e.getMessage() : e.toString());
        return new AssertionError(message, e);
    }

    private static Long longProperty(String name) {
        String text = System.getProperty(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number, not '" + text + "'", e);
        }
    }
}
