package io.streamvault.vault;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.util.Locale;

/**
 * How strictly a retention holds (the names of S3 Object Lock and AWS Backup Vault Lock).
 * {@link #GOVERNANCE}: a key or token holding the bypass right may lift it, explicitly and on record.
 * {@link #COMPLIANCE}: nobody can, once the vault lock's cooling-off has passed.
 */
public enum LockMode {
    GOVERNANCE,
    COMPLIANCE;

    /** {@code governance} or {@code compliance}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code id}; INVALID_ARGUMENT otherwise. */
    public static LockMode of(String id) {
        for (LockMode m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new FatalException(ErrorCode.INVALID_ARGUMENT, "lock mode \"" + id
                + "\" is neither governance nor compliance");
    }
}
