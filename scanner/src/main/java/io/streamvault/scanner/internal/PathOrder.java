package io.streamvault.scanner.internal;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * Absolute paths ordered name by name, so that a directory is directly followed by everything
 * under it ({@code a}, {@code a/x}, {@code a/x/y}, then {@code a!b}): a sorted map then finds a
 * whole subtree as one range.
 */
final class PathOrder implements Comparator<Path> {
    static final PathOrder INSTANCE = new PathOrder();

    private PathOrder() {
    }

    @Override
    public int compare(Path x, Path y) {
        int n = Math.min(x.getNameCount(), y.getNameCount());
        for (int i = 0; i < n; i++) {
            int c = x.getName(i).compareTo(y.getName(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.getNameCount(), y.getNameCount());
    }
}
