package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.common.util.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Temporary names: a replacement is written under one and renamed over the old entry, so that a
 * failed replacement leaves the old entry in place.
 */
final class TempNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TempNames() {
    }

    static byte[] next() {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return (".sv-restore-" + Hex.of(r)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Removes what a failed write left under {@code name}, if anything. */
    static void deleteQuietly(DirFd fd, byte[] name) {
        if (fd == null || name == null) {
            return;
        }
        try {
            fd.delete(name);
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover temporary file is named .sv-restore-*
        }
    }
}
