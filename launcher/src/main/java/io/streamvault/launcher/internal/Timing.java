package io.streamvault.launcher.internal;

import java.util.Locale;

/**
 * Phase timings of a command on stderr, when {@code STREAMVAULT_TIMING} is set: where a
 * command's time goes, for profiling without a profiler.
 */
public final class Timing {
    private static final boolean ON = System.getenv("STREAMVAULT_TIMING") != null;
    private static final long START = System.nanoTime();
    private static long last = START;

    private Timing() {
    }

    public static synchronized void mark(String phase) {
        if (ON) {
            long now = System.nanoTime();
            System.err.printf(Locale.ROOT, "timing: %7.3f s (+%6.3f) %s%n", (now - START) / 1e9, (now - last) / 1e9, phase);
            last = now;
        }
    }
}
