package io.streamvault.vault.internal;

import io.streamvault.common.util.Hex;
import java.nio.ByteBuffer;
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
        return Hex.of(jdk().digest(b));
    }

    /** The id of the bytes of a direct buffer from its position to its limit (which stay as they are). */
    static String sha256Hex(ByteBuffer direct) {
        if (NativeSha256.AVAILABLE) {
            return Hex.of(NativeSha256.digest(direct));
        }
        MessageDigest md = jdk();
        md.update(direct.duplicate());
        return Hex.of(md.digest());
    }

    private static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw Errors.internal("SHA-256 is not available", e);
        }
    }

    static boolean isId(String s) {
        return s != null && s.length() == 64 && Hex.isHex(s);
    }
}
