package io.streamvault.scanner;

import java.nio.file.Path;
import java.util.Set;

/**
 * The directories in which something changed, and whether events were lost ({@code overflowed}:
 * the listed directories are then not all there is, and everything must be walked).
 */
public record Changes(Set<Path> dirs, boolean overflowed) {
    public Changes {
        dirs = Set.copyOf(dirs);
    }

    /** Nothing changed and nothing was lost. */
    public boolean isEmpty() {
        return dirs.isEmpty() && !overflowed;
    }
}
