package io.streamvault.vault.internal;

import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.util.ArrayList;
import java.util.List;

/** The rule for object names every backend enforces (docs/vault-format.md, Layout). */
final class ObjectNames {
    private ObjectNames() {
    }

    /** Names of the objects under {@code prefix}, sorted. */
    static List<String> sorted(Storage storage, String prefix) {
        List<String> names = new ArrayList<>();
        for (ObjectInfo o : storage.list(prefix)) {
            names.add(o.name());
        }
        names.sort(null);
        return names;
    }

    /** '/'-separated segments of [A-Za-z0-9._-], none empty and none starting with a dot; INVALID_ARGUMENT otherwise. */
    static String check(String name, String location) {
        if (name == null || name.isEmpty()) {
            throw Errors.invalid("empty object name in " + location);
        }
        if (!valid(name)) {
            throw Errors.invalid("bad object name \"" + name + "\" for " + location
                    + ": use '/'-separated segments of letters, digits, '.', '_' and '-', not starting with '.'");
        }
        return name;
    }

    static boolean valid(String name) {
        boolean segmentStart = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok;
            if (c == '/') {
                ok = !segmentStart && i < name.length() - 1;
                segmentStart = true;
            } else {
                ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                        || (c == '.' && !segmentStart);
                segmentStart = false;
            }
            if (!ok) {
                return false;
            }
        }
        return !name.isEmpty();
    }
}
