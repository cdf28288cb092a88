package io.streamvault.scanner;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The changed directories a backup job may carry ({@code changed_dirs} of JobStarted and DirTask):
 * the directories, relative to the job's root, in which a change feed saw something change. The
 * scanner then lists only those and their ancestors and takes every other directory from the
 * parent snapshot (docs/continuous.md, Narrowed walks). Paths are raw bytes, the root itself is
 * the empty path; the list is sorted in unsigned byte order, without duplicates.
 *
 * <p>The list travels in the job record and the root directory task, so it is capped: past
 * {@link #MAX_DIRS} directories or {@link #MAX_BYTES} bytes of paths the job carries none, and the
 * walk covers everything (a change that touched that much is as well served by a full walk).
 */
public final class ChangedDirs {
    /** Most directories a job names; past it, the job walks everything. */
    public static final int MAX_DIRS = 10_000;
    /**
     * Most bytes of paths a job names; past it, the job walks everything. Well under Kafka's default
     * largest record (1 MiB), which the job record and the root task must fit in.
     */
    public static final int MAX_BYTES = 512 * 1024;

    private ChangedDirs() {
    }

    /**
     * The absolute directories {@code dirs} (as a change feed gives them) relative to {@code root},
     * sorted and distinct; null, meaning walk everything, when there are more than the cap or one is
     * not {@code root} or under it. Paths are compared name by name after normalization, without
     * resolving symlinks: give them under the root as it was given.
     */
    public static List<byte[]> relative(Path root, Collection<Path> dirs) {
        Path r = root.toAbsolutePath().normalize();
        List<byte[]> rel = new ArrayList<>(dirs.size());
        for (Path d : dirs) {
            Path n = d.toAbsolutePath().normalize();
            if (!n.startsWith(r)) {
                return null;
            }
            rel.add(RawPaths.bytes(r.relativize(n)));
        }
        return checked(rel);
    }

    /**
     * {@code dirs} sorted and without duplicates, as a job carries them; null stays null, and a list
     * over the cap becomes null (walk everything). A path that is not a clean relative path (a
     * leading or trailing '/', an empty, "." or ".." name, a NUL byte) is refused with a
     * FatalException (INVALID_ARGUMENT).
     */
    public static List<byte[]> checked(List<byte[]> dirs) {
        if (dirs == null) {
            return null;
        }
        List<byte[]> sorted = new ArrayList<>(dirs.size());
        for (byte[] d : dirs) {
            check(d);
            sorted.add(d.clone());
        }
        sorted.sort(Arrays::compareUnsigned);
        List<byte[]> out = new ArrayList<>(sorted.size());
        long bytes = 0;
        for (byte[] d : sorted) {
            if (out.isEmpty() || !Arrays.equals(out.get(out.size() - 1), d)) {
                out.add(d);
                bytes += d.length;
            }
        }
        return out.size() > MAX_DIRS || bytes > MAX_BYTES ? null : List.copyOf(out);
    }

    private static void check(byte[] d) {
        int start = 0;
        for (int i = 0; i <= d.length && d.length > 0; i++) {
            if (i < d.length && d[i] == 0) {
                throw bad(d, "holds a NUL byte");
            }
            if (i == d.length || d[i] == '/') {
                int len = i - start;
                if (len == 0) {
                    throw bad(d, "is not a relative path of names (an empty name)");
                }
                if (d[start] == '.' && (len == 1 || (len == 2 && d[start + 1] == '.'))) {
                    throw bad(d, "holds a \".\" or \"..\" name");
                }
                start = i + 1;
            }
        }
    }

    private static FatalException bad(byte[] d, String why) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, "changed directory \"" + RawPaths.display(d) + "\" " + why);
    }
}
