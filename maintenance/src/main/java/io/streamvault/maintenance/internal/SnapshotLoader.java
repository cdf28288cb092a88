package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultListing;
import io.streamvault.vault.VaultObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every snapshot object; one that cannot be read, and a name under snapshots/ that is not a
 * snapshot's, is an error.
 */
final class SnapshotLoader {
    private final Vault vault;
    private final ReadPool pool;
    private final Problems problems;
    private final CheckProgress progress;

    SnapshotLoader(Vault vault, ReadPool pool, Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.pool = pool;
        this.problems = problems;
        this.progress = progress;
    }

    /** The readable snapshots, oldest first. */
    List<SnapshotRef> load() {
        VaultListing listing = vault.list(ObjectKind.SNAPSHOT);
        for (String name : listing.foreign()) {
            problems.add("snapshot:" + name, Severity.ERROR, "snapshot", name, "object " + name
                    + " is not a snapshot: its name is not snapshots/<64 hex digits>");
        }
        List<VaultObject> objects = listing.objects();
        AtomicLong done = new AtomicLong();
        List<Outcome<SnapshotRef>> loaded = pool.map(objects, o -> {
            try {
                return Outcome.of(() -> vault.loadSnapshot(o.id()));
            } finally {
                progress.update("snapshots", done.incrementAndGet(), objects.size());
            }
        });
        List<SnapshotRef> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            Outcome<SnapshotRef> snapshot = loaded.get(i);
            if (snapshot.ok()) {
                out.add(snapshot.value());
            } else {
                String name = objects.get(i).name();
                problems.add("snapshot:" + name, Severity.ERROR, "snapshot", name,
                        "snapshot " + name + " cannot be read: " + snapshot.damage().getMessage());
            }
        }
        out.sort(Comparator.comparingLong((SnapshotRef r) -> r.snapshot().timeNs()).thenComparing(SnapshotRef::id));
        return out;
    }
}
