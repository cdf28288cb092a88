package io.streamvault.launcher.internal;

import io.streamvault.common.util.Sizes;
import io.streamvault.schemas.records.JobProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The one-line progress display of a backup on a terminal: files, bytes read of bytes to read,
 * rate, and an estimate of the time left once the walk is complete.
 */
public final class ProgressLine {
    private final PrintStream out;
    private final boolean enabled;
    private final long start = System.currentTimeMillis();
    private int lastWidth;

    public ProgressLine(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    public void show(JobProgress p) {
        if (enabled) {
            show(format(p, System.currentTimeMillis() - start));
        }
    }

    /** The line for a job's progress {@code elapsedMs} after it started. */
    public static String format(JobProgress p, long elapsedMs) {
        long elapsed = Math.max(1, elapsedMs);
        long files = p.getFilesNew() + p.getFilesChanged() + p.getFilesUnmodified();
        double rate = p.getBytesRead() * 1000.0 / elapsed;
        boolean walked = p.getDirsScanned() == p.getDirsExpected();
        String eta = "";
        if (walked && rate > 0 && p.getBytesToRead() > p.getBytesRead()) {
            eta = " ETA " + Sizes.duration((long) ((p.getBytesToRead() - p.getBytesRead()) * 1000 / rate));
        }
        String line = String.format(Locale.ROOT, "%s %d dirs, %d files, %s read of %s%s, %s/s%s",
                Sizes.duration(elapsed), p.getDirsScanned(), files, Sizes.bytes(p.getBytesRead()),
                Sizes.bytes(p.getBytesToRead()), walked ? "" : " (scanning)", Sizes.bytes((long) rate), eta);
        return line;
    }

    /** Shows a progress line (made by {@link #format}), over the previous one. */
    public void show(String line) {
        if (!enabled) {
            return;
        }
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    public void clear() {
        if (enabled && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
        }
    }
}
