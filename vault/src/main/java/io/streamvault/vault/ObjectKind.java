package io.streamvault.vault;

import io.streamvault.common.util.Hex;

/**
 * The kinds of object a vault holds, and the one place that says how each is named in storage
 * (docs/vault-format.md, Layout). Every id is 64 lower-case hex digits, the SHA-256 of the object's
 * stored bytes; {@link #CONFIG} is the one object with a fixed name and no id.
 */
public enum ObjectKind {
    CONFIG("config"),
    KEY("keys/"),
    PACK("data/"),
    INDEX("index/"),
    DICTIONARY("dicts/"),
    SNAPSHOT("snapshots/"),
    /** Lock records (docs/lock.md): append-only, never deleted. */
    LOCK("locks/"),
    /** Backup plan records (docs/plans.md): sealed documents, superseded by later ones of the same plan. */
    PLAN("plans/"),
    /**
     * Capacity records (docs/capacity.md): sealed documents, each holding one or more measurements of
     * the vault's stored capacity; garbage collection merges a month's records into one document.
     */
    CAPACITY("capacity/");

    private final String prefix;

    ObjectKind(String prefix) {
        this.prefix = prefix;
    }

    /** What listing this kind lists ({@code data/}, {@code index/}, ...; {@code config} for the config). */
    public String prefix() {
        return prefix;
    }

    /** The object name of the object with this id ({@code data/3f/3f2a...} for a pack). */
    public String objectName(String id) {
        if (this == CONFIG) {
            return prefix;
        }
        if (!isId(id)) {
            throw new IllegalArgumentException(name() + " id is not 64 lower-case hex digits: " + id);
        }
        return this == PACK ? prefix + id.substring(0, 2) + "/" + id : prefix + id;
    }

    /** The id an object name gives for this kind, or null when the name is not of this kind's form. */
    public String idOf(String objectName) {
        if (this == CONFIG) {
            return objectName.equals(prefix) ? "" : null;
        }
        if (!objectName.startsWith(prefix)) {
            return null;
        }
        String rest = objectName.substring(prefix.length());
        if (this == PACK) {
            int slash = rest.indexOf('/');
            if (slash != 2) {
                return null;
            }
            String id = rest.substring(3);
            return isId(id) && id.startsWith(rest.substring(0, 2)) ? id : null;
        }
        return isId(rest) ? rest : null;
    }

    /** 64 lower-case hex digits. */
    public static boolean isId(String s) {
        return s != null && s.length() == 64 && Hex.isHex(s);
    }
}
