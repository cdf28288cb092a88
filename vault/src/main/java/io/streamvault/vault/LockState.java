package io.streamvault.vault;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The vault's lock records folded in write order (docs/lock.md).
 *
 * @param lock the vault lock in force, or null when none is (never set, or removed)
 * @param last the most recent vault lock accepted, even if removed since (whose bypass keys decide
 *     who may lift governance retentions), or null when none was ever set
 * @param extensions per snapshot id, the latest retain-until that {@code retain} set, with its mode
 * @param holds per snapshot id, its legal holds in force
 * @param history every accepted record, oldest first, as one line each
 * @param refused every record that broke the rules when it was written (a forged or raced one), with
 *     why; it changes nothing
 */
public record LockState(VaultLock lock, VaultLock last, Map<String, Extension> extensions,
        Map<String, List<Hold>> holds, List<String> history, List<String> refused) {

    /** A retention extended by {@code retain}. */
    public record Extension(Instant until, LockMode mode) {
    }

    public LockState {
        extensions = Map.copyOf(extensions);
        holds = Map.copyOf(holds);
        history = List.copyOf(history);
        refused = List.copyOf(refused);
    }

    /** What keeps {@code s} from deletion: its own retention, extended, and its holds. */
    public Protection protection(SnapshotRef s) {
        Snapshot body = s.snapshot();
        Instant until = body.retainUntilNs() > 0 ? Instant.ofEpochSecond(0, body.retainUntilNs()) : null;
        LockMode mode = until == null ? null : body.lockMode();
        Extension e = extensions.get(s.id());
        if (e != null && (until == null || e.until().isAfter(until))) {
            until = e.until();
            mode = mode == LockMode.COMPLIANCE ? mode : e.mode();
        }
        return new Protection(s.id(), until, mode, holds.getOrDefault(s.id(), List.of()));
    }
}
