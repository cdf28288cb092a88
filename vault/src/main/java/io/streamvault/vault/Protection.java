package io.streamvault.vault;

import java.time.Instant;
import java.util.List;

/**
 * What keeps one snapshot from deletion: the retain-until time recorded in its authenticated body or
 * extended since by {@code retain}, the mode of that retention, and its legal holds.
 *
 * @param retainUntil null when the snapshot has no retention
 * @param mode null when {@code retainUntil} is null
 */
public record Protection(String snapshot, Instant retainUntil, LockMode mode, List<Hold> holds) {
    public static Protection none(String snapshot) {
        return new Protection(snapshot, null, null, List.of());
    }

    public Protection {
        holds = List.copyOf(holds);
    }

    /** True when the retention has not passed at {@code now}. */
    public boolean retainedAt(Instant now) {
        return retainUntil != null && now.isBefore(retainUntil);
    }

    /** True when a deletion at {@code now} must be refused (retained or held). */
    public boolean lockedAt(Instant now) {
        return retainedAt(now) || !holds.isEmpty();
    }

    /** Why a deletion at {@code now} is refused, e.g. {@code locked until 2027-01-05T00:00:00Z (compliance)}. */
    public String reason(Instant now) {
        StringBuilder b = new StringBuilder();
        if (retainedAt(now)) {
            b.append("locked until ").append(retainUntil).append(" (").append(mode.id()).append(')');
        }
        if (!holds.isEmpty()) {
            b.append(b.length() > 0 ? ", " : "").append(holds.size() == 1 ? "legal hold" : holds.size() + " legal holds");
            holds.forEach(h -> b.append(" \"").append(h.reason()).append('"'));
        }
        return b.toString();
    }
}
