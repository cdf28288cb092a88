package io.streamvault.vault.internal;

import com.sun.jna.Native;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.ChunkHasher;
import java.nio.ByteBuffer;
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

    @Override
    public BlobId id(ByteBuffer buf, int off, int len) {
        if (off < 0 || len < 0 || len > buf.limit() - off) {
            throw Errors.invalid("range " + off + "+" + len + " is outside a buffer of " + buf.limit() + " bytes");
        }
        if (buf.hasArray()) {
            return id(buf.array(), buf.arrayOffset() + off, len);
        }
        if (mac == null && buf.isDirect()) {
            return BlobId.of(NativeHmac.mac(key, Native.getDirectBufferPointer(buf).share(off), len));
        }
        if (mac == null) {
            byte[] copy = new byte[len];
            buf.get(off, copy); // a read-only heap buffer: no array to reach
            return id(copy, 0, len);
        }
        mac.update(buf.duplicate().limit(off + len).position(off));
        return BlobId.of(mac.doFinal());
    }
}
