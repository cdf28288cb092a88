package io.streamvault.vault.internal;

import io.streamvault.vault.Hold;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Retentions;
import io.streamvault.vault.VaultLock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of the lock records, applied in write order: which records count and what they add up
 * to. The same rules check a record before it is written and every record when the state is read,
 * so a record written around this class (with the password, by hand) changes nothing it could not.
 */
final class LockFold {
    private VaultLock lock;
    private VaultLock last;
    private final Map<String, LockState.Extension> extensions = new HashMap<>();
    private final Map<String, List<Hold>> holds = new HashMap<>();
    private final List<String> history = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    /** Applies every record, oldest first (by time, then id); refused ones are listed with why. */
    static LockFold of(List<LockRecord> records) {
        LockFold f = new LockFold();
        for (LockRecord r : records) {
            String why = f.apply(r);
            if (why != null) {
                f.refused.add(r.id() + " (" + r.type() + " at " + r.time() + " by key " + r.key() + "): " + why);
            }
        }
        return f;
    }

    /** Applies one record; returns null when it counts, or why it does not (then nothing changed). */
    String apply(LockRecord r) {
        Instant t = r.time();
        switch (r.type()) {
            case "lock" -> {
                // the bypass right only narrows: a key holds it when every lock ever accepted named it
                List<String> holders = last == null ? r.bypassKeys()
                        : r.bypassKeys().stream().filter(last.bypassKeys()::contains).toList();
                VaultLock next = new VaultLock(r.mode(), r.min(), r.max(), Instant.ofEpochSecond(0, r.changeableUntilNs()),
                        t, holders, r.id());
                if (lock != null && !lock.changeableAt(t) && !lifts(r)) {
                    String weakens = weakens(lock, next);
                    if (weakens != null) {
                        return "the " + lock.mode().id() + " lock set at " + lock.setAt() + " is past its cooling-off ("
                                + lock.changeableUntil() + ") and can only be extended; this would " + weakens;
                    }
                }
                lock = next;
                last = next;
                history.add(t + " lock " + describe(next) + " by key " + r.key() + (lifts(r) ? " (governance bypassed)" : ""));
            }
            case "remove" -> {
                if (lock == null) {
                    return "there is no vault lock to remove";
                }
                if (!lock.changeableAt(t) && !lifts(r)) {
                    return "the " + lock.mode().id() + " lock is past its cooling-off (" + lock.changeableUntil() + ")"
                            + (lock.mode() == LockMode.COMPLIANCE ? " and can never be removed"
                                    : ": only a key with the governance bypass right can lift it, explicitly");
                }
                lock = null;
                history.add(t + " lock removed by key " + r.key() + (r.bypass() ? " (governance bypassed)" : ""));
            }
            case "retain" -> {
                Instant until = Instant.ofEpochSecond(0, r.untilNs());
                // the later time in the stronger mode: an extension never turns compliance into governance
                extensions.merge(r.snapshot(), new LockState.Extension(until, r.mode()), (a, b) -> new LockState.Extension(
                        b.until().isAfter(a.until()) ? b.until() : a.until(),
                        a.mode() == LockMode.COMPLIANCE || b.mode() == LockMode.COMPLIANCE ? LockMode.COMPLIANCE
                                : LockMode.GOVERNANCE));
                history.add(t + " snapshot " + r.snapshot() + " retained until " + until + " by key " + r.key());
            }
            case "hold" -> {
                holds.computeIfAbsent(r.snapshot(), k -> new ArrayList<>()).add(new Hold(r.hold(), r.reason(), t, r.key()));
                history.add(t + " snapshot " + r.snapshot() + " held (\"" + r.reason() + "\") by key " + r.key());
            }
            case "release" -> {
                if (holds.remove(r.snapshot()) == null) {
                    return "snapshot " + r.snapshot() + " has no legal hold";
                }
                history.add(t + " snapshot " + r.snapshot() + " released (\"" + r.reason() + "\") by key " + r.key());
            }
            default -> history.add(t + " snapshot " + r.snapshot() + " deleted before its retention ("
                    + Instant.ofEpochSecond(0, r.untilNs()) + ", governance bypassed) by key " + r.key());
        }
        return null;
    }

    /** A governance lock lifted explicitly by a key that holds the right. */
    private boolean lifts(LockRecord r) {
        return r.bypass() && lock != null && lock.mode() == LockMode.GOVERNANCE && lock.bypassKeys().contains(r.key());
    }

    /** What {@code next} would weaken of {@code cur}, or null when it only extends it. */
    private static String weakens(VaultLock cur, VaultLock next) {
        if (cur.mode() == LockMode.COMPLIANCE && next.mode() == LockMode.GOVERNANCE) {
            return "turn compliance into governance";
        }
        if (next.minRetention().compareTo(cur.minRetention()) < 0) {
            return "shorten the minimum retention from " + Retentions.format(cur.minRetention()) + " to "
                    + Retentions.format(next.minRetention());
        }
        if (next.changeableUntil().isAfter(cur.changeableUntil())) {
            return "open a new cooling-off";
        }
        if (cur.maxRetention() != null && next.maxRetention() != null
                && next.maxRetention().compareTo(cur.maxRetention()) < 0) {
            return "lower the maximum retention from " + Retentions.format(cur.maxRetention()) + " to "
                    + Retentions.format(next.maxRetention());
        }
        return null;
    }

    static String describe(VaultLock l) {
        return l.mode().id() + ", min " + Retentions.format(l.minRetention())
                + (l.maxRetention() == null ? "" : ", max " + Retentions.format(l.maxRetention()))
                + ", changeable until " + l.changeableUntil();
    }

    VaultLock lock() {
        return lock;
    }

    LockState state() {
        Map<String, List<Hold>> h = new HashMap<>();
        holds.forEach((k, v) -> h.put(k, List.copyOf(v)));
        return new LockState(lock, last, extensions, h, history, refused);
    }
}
