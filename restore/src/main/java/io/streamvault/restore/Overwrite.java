package io.streamvault.restore;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.util.Locale;

/** What a restore does with an entry that already exists where it would write one. */
public enum Overwrite {
    /** Leave every existing entry as it is (existing directories are still descended into). */
    NEVER("never"),
    /** Replace an existing entry only when the snapshot's mtime is newer than the entry's. */
    IF_NEWER("if-newer"),
    /** Replace every existing entry (a directory in the way of a non-directory is still refused). */
    ALWAYS("always");

    private final String id;

    Overwrite(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Overwrite parse(String s) {
        for (Overwrite o : values()) {
            if (o.id.equals(s.toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                "overwrite policy \"" + s + "\" is not one of never, if-newer, always");
    }
}
