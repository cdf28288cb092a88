package io.streamvault.restore.internal;

import io.streamvault.common.StreamVaultException;
import java.nio.file.FileSystemException;

/** Why something failed, in the words a restore reports it. */
final class Reasons {
    private Reasons() {
    }

    static String of(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof StreamVaultException s) {
            return s.getMessage() + " [" + s.code().id() + "]";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
