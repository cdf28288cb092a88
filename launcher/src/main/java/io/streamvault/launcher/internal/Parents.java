package io.streamvault.launcher.internal;

import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the parent snapshot of a backup, the one unchanged files are recognized against: the one
 * named with {@code --parent}, else the latest snapshot of the same path.
 */
public final class Parents {
    private static final Logger LOG = LoggerFactory.getLogger(Parents.class);

    private Parents() {
    }

    public static Optional<SnapshotRef> choose(Vault vault, byte[] root, String parent) {
        if (parent != null) {
            return Optional.of(vault.loadSnapshot(vault.resolveSnapshot(parent)));
        }
        return vault.listSnapshots(e -> LOG.warn("skipping an unreadable snapshot: {}", e.getMessage())).stream()
                .filter(s -> Arrays.equals(s.snapshot().path(), root))
                .max(Comparator.comparingLong((SnapshotRef s) -> s.snapshot().timeNs()).thenComparing(SnapshotRef::id));
    }
}
