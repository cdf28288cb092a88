package io.streamvault.scanner.internal;

import io.streamvault.common.fs.Glob;
import java.util.List;

/**
 * A job's exclude globs ({@code backup --exclude}), compiled once: an entry whose path relative to
 * the backup root matches one is not part of the snapshot, and an excluded directory is not listed.
 * The syntax is {@link Glob}'s (the restore's): a glob without '/' matches a name at any depth, one
 * with '/' (or a leading '/') the whole relative path, {@code **} any number of names. Names are
 * matched as raw bytes: a byte that is not valid UTF-8 is one character of its own, never an error.
 */
final class Excludes {
    static final Excludes NONE = new Excludes(List.of(), List.of());

    private final List<String> patterns;
    private final List<Glob> globs;

    private Excludes(List<String> patterns, List<Glob> globs) {
        this.patterns = patterns;
        this.globs = globs;
    }

    /** Compiles the globs; a malformed one is a FatalException (INVALID_ARGUMENT) naming it. */
    static Excludes of(List<String> patterns) {
        if (patterns.isEmpty()) {
            return NONE;
        }
        return new Excludes(List.copyOf(patterns), patterns.stream().map(Glob::compile).toList());
    }

    /** The globs as given. */
    List<String> patterns() {
        return patterns;
    }

    boolean none() {
        return globs.isEmpty();
    }

    /** True when the entry at {@code path} (its names from the root, itself last) is excluded. */
    boolean excludes(List<byte[]> path) {
        for (Glob g : globs) {
            if (g.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
