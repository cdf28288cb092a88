package io.streamvault.common;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.Predicate;

/**
 * The property every fuzz target checks (docs/reliability.md, Hostile and damaged input): a parser
 * given any bytes returns normally or throws a clear error, never another exception or an Error,
 * and allocates no more heap than the size of its input justifies. Hangs are bounded by the targets'
 * {@code @Timeout}, which Jazzer also applies to each input while fuzzing.
 */
public final class HostileInput {
    /** Heap any parse may allocate whatever its input (buffers, contexts, messages). */
    public static final long FIXED_BUDGET = 32L << 20;
    /** Heap a parse may allocate per input byte: copies, decoded trees and strings. */
    public static final long PER_BYTE = 256;
    /**
     * Heap per input byte for a parse that inflates zstd frames: zstd's largest expansion is a
     * 128 KiB RLE block stored in 4 bytes.
     */
    public static final long ZSTD_PER_BYTE = 1L << 15;
    /** Seconds one input may take; more is a hang. */
    public static final int TIMEOUT_SECONDS = 10;

    private static final ThreadMXBean THREADS = threads();

    private HostileInput() {
    }

    /** A parse of one input. */
    public interface Parse {
        void run() throws Exception;
    }

    /** {@link #check} where the clear errors are StreamVaultExceptions. */
    public static void errorsOnly(byte[] input, long perByte, Parse parse) {
        check(input, perByte, e -> e instanceof StreamVaultException, parse);
    }

    /**
     * Runs {@code parse} on {@code input}: an exception {@code clear} accepts is a normal outcome;
     * any other exception or Error is rethrown (a finding); so is an allocation on this thread above
     * {@link #FIXED_BUDGET} plus {@code perByte} per input byte.
     */
    public static void check(byte[] input, long perByte, Predicate<Throwable> clear, Parse parse) {
        long budget = FIXED_BUDGET + perByte * input.length;
        long used = run(input, clear, parse);
        if (used > budget) {
            // the first parse of a kind loads (and, while fuzzing, instruments) classes on this thread:
            // only a parse that allocates as much again is over the budget
            used = run(input, clear, parse);
        }
        if (used > budget) {
            throw new AssertionError("an input of " + input.length + " bytes made the parser allocate " + used
                    + " bytes, more than the " + budget + " it justifies");
        }
    }

    /** Parses once; returns the bytes allocated on this thread (0 when the JVM does not count them). */
    private static long run(byte[] input, Predicate<Throwable> clear, Parse parse) {
        long before = allocated();
        try {
            parse.run();
        } catch (Exception e) {
            if (!clear.test(e)) {
                throw new AssertionError("not a clear error for an input of " + input.length + " bytes: " + e, e);
            }
        }
        return before < 0 ? 0 : allocated() - before;
    }

    /** Bytes this thread allocated so far, or -1 when the JVM does not count them. */
    private static long allocated() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private static ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            t.setThreadAllocatedMemoryEnabled(true);
            return t;
        }
        return null;
    }
}
