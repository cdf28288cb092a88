package io.streamvault.vault.internal;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.ChunkHasher;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blob ids: HMAC-SHA-256 under the chunk-id key, by OpenSSL ({@link NativeHmac}) when it is
 * available, else by the JDK (one Mac per instance). Not thread-safe.
 */
final class HmacHasher implements ChunkHasher {
    private final byte[] key;
    private final Mac mac;

    HmacHasher(byte[] key) {
        this.key = key.clone();
        if (NativeHmac.AVAILABLE) {
            mac = null;
            return;
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw Errors.internal("HMAC-SHA-256 is not available: " + e.getMessage(), e);
        }
    }

    @Override
    public BlobId id(byte[] buf, int off, int len) {
        if (mac == null) {
            return BlobId.of(NativeHmac.mac(key, buf, off, len));
        }
        mac.update(buf, off, len);
        return BlobId.of(mac.doFinal());
    }
}
