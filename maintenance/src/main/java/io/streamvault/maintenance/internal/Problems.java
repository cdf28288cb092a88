package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker;
import io.streamvault.maintenance.Checker.Problem;
import io.streamvault.maintenance.Checker.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The problems a check found, each under a key ({@code pack:ID}, {@code blob:HEX}, ...) so that a
 * problem met again is recorded once, and so that pass two can add the snapshots and paths it
 * affects. Used from the check's own thread only.
 */
final class Problems {

    private static final class Entry {
        final Severity severity;
        final String kind;
        final String object;
        final String message;
        final Set<String> snapshots = new LinkedHashSet<>();
        final Set<String> paths = new LinkedHashSet<>();
        long pathsTotal;

        Entry(Severity severity, String kind, String object, String message) {
            this.severity = severity;
            this.kind = kind;
            this.object = object;
            this.message = message;
        }
    }

    private final Map<String, Entry> byKey = new LinkedHashMap<>();

    /** Records a problem under {@code key} unless one is recorded there already; returns the key. */
    String add(String key, Severity severity, String kind, String object, String message) {
        byKey.computeIfAbsent(key, k -> new Entry(severity, kind, object, message));
        return key;
    }

    /** The problem under {@code key} affects {@code path} of {@code snapshot}. */
    void affects(String key, String snapshot, String path) {
        Entry e = byKey.get(key);
        if (e == null) {
            throw new IllegalStateException("no problem recorded under " + key);
        }
        e.snapshots.add(snapshot);
        String p = snapshot + ":" + path;
        if (e.paths.size() < Checker.MAX_PATHS) {
            if (e.paths.add(p)) {
                e.pathsTotal++;
            }
        } else if (!e.paths.contains(p)) {
            e.pathsTotal++;
        }
    }

    /** Every problem, errors first, otherwise in the order found. */
    List<Problem> list() {
        List<Problem> out = new ArrayList<>();
        for (Entry e : byKey.values()) {
            out.add(new Problem(e.severity, e.kind, e.object, e.message, List.copyOf(e.snapshots),
                    List.copyOf(e.paths), e.pathsTotal));
        }
        out.sort(Comparator.comparing(Problem::severity));
        return out;
    }
}
