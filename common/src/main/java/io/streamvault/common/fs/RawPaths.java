package io.streamvault.common.fs;

import java.nio.file.Path;

/**
 * Paths as the kernel sees them: byte strings. {@link Path#toString()} is lossy for names that are
 * not valid in the JVM's encoding; these helpers never go through a {@code String}. Needs
 * {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}; without it the first call fails with a
 * clear message.
 */
public final class RawPaths {
    private RawPaths() {
    }

    /** The raw bytes of a path. */
    public static byte[] bytes(Path p) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** A path from raw bytes, lossless. */
    public static Path of(byte[] raw) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Raw bytes of the last name of a path (empty for "/"). */
    public static byte[] fileName(Path p) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * {@code dir/name}, after {@link #checkName}: a name from a manifest can never climb out of
     * {@code dir}.
     */
    public static Path resolve(Path dir, byte[] name) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code a/b} from two relative raw paths; either may be empty. */
    public static byte[] join(byte[] a, byte[] b) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Refuses (with a FatalException, code UNSAFE_PATH) a name that is empty, "." or "..", or holds
     * '/' or NUL.
     */
    public static void checkName(byte[] name) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** A printable form for messages and logs: valid UTF-8 as is, other bytes as \xNN, controls escaped. */
    public static String display(byte[] raw) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
