package io.streamvault.vault.internal;

import io.streamvault.common.util.Hex;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Object ids: the SHA-256 of an object's stored bytes, as 64 lower-case hex digits (by OpenSSL where it loads). */
final class Ids {
    private Ids() {
    }

    static String sha256Hex(byte[] b) {
        if (NativeSha256.AVAILABLE) {
            return Hex.of(NativeSha256.digest(b, 0, b.length));
        }
        try {
            return Hex.of(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw Errors.internal("SHA-256 is not available", e);
        }
    }

    static boolean isId(String s) {
        return s != null && s.length() == 64 && Hex.isHex(s);
    }
}
