package io.streamvault.scanner.internal;

import io.streamvault.common.fs.RawPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Mount points, from /proc/self/mountinfo (fields as proc(5) describes, names octal-escaped). */
final class Mounts {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Mounts() {
    }

    /** The mount points strictly under {@code root} (a real path), in path order, each once. */
    static List<Path> under(Path root) throws IOException {
        return under(root, Files.readAllBytes(MOUNTINFO));
    }

    static List<Path> under(Path root, byte[] mountinfo) {
        TreeSet<Path> found = new TreeSet<>(PathOrder.INSTANCE);
        int start = 0;
        for (int i = 0; i <= mountinfo.length; i++) {
            if (i == mountinfo.length || mountinfo[i] == '\n') {
                Path p = mountPoint(mountinfo, start, i);
                if (p != null && p.startsWith(root) && !p.equals(root)) {
                    found.add(p);
                }
                start = i + 1;
            }
        }
        return new ArrayList<>(found);
    }

    /** The fifth field of the line {@code [from, to)}, unescaped; null for a line with fewer fields. */
    private static Path mountPoint(byte[] b, int from, int to) {
        int field = 0;
        int i = from;
        while (i < to && field < 4) {
            if (b[i++] == ' ') {
                field++;
            }
        }
        if (field < 4 || i >= to || b[i] != '/') {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (; i < to && b[i] != ' '; i++) {
            if (b[i] == '\\' && i + 3 < to && octal(b[i + 1]) && octal(b[i + 2]) && octal(b[i + 3])) {
                out.write(((b[i + 1] - '0') << 6) | ((b[i + 2] - '0') << 3) | (b[i + 3] - '0'));
                i += 3;
            } else {
                out.write(b[i]);
            }
        }
        return RawPaths.of(out.toByteArray());
    }

    private static boolean octal(byte c) {
        return c >= '0' && c <= '7';
    }
}
