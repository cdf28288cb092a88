package io.streamvault.vault.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM as the vault uses it: a sealed box is {@code nonce (12) || ciphertext || tag (16)}.
 * Nonces are random, except for {@link #sealDeterministic}, where the nonce is derived from the
 * plaintext (SIV-style), so equal plaintexts give equal boxes.
 */
final class Aead {
    static final int NONCE = 12;
    static final int TAG = 16;
    static final int OVERHEAD = NONCE + TAG;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Aead::newCipher);

    private Aead() {
    }

    static SecretKey aesKey(byte[] key) {
        return new SecretKeySpec(key, "AES");
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] seal(SecretKey key, byte[] aad, byte[] in, int off, int len) {
        byte[] out = new byte[OVERHEAD + len];
        sealInto(key, aad, null, in, off, len, out);
        return out;
    }

    static byte[] seal(SecretKey key, byte[] aad, byte[] in) {
        return seal(key, aad, in, 0, in.length);
    }

    /**
     * Seals {@code prefix || in[off, off+len)} into {@code out}, which must have exactly
     * {@code OVERHEAD + prefix.length + len} bytes. The prefix saves copying the payload.
     */
    static void sealInto(SecretKey key, byte[] aad, byte[] prefix, byte[] in, int off, int len, byte[] out) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE);
        if (NativeGcm.AVAILABLE) {
            NativeGcm.sealInto(key, aad, prefix, in, off, len, out);
            return;
        }
        seal(CIPHER.get(), key, aad, prefix, in, off, len, out);
    }

    /**
     * Seals {@code prefix || in[off, off+len)} into native memory at {@code out}, which must hold
     * {@code OVERHEAD + prefix.length + len} bytes: nonce, ciphertext, tag, as {@link #sealInto}.
     */
    static void sealTo(SecretKey key, byte[] aad, byte[] prefix, byte[] in, int off, int len, com.sun.jna.Pointer out) {
        if (NativeGcm.AVAILABLE) {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            NativeGcm.sealTo(key, aad, nonce, prefix, in, off, len, out);
            return;
        }
        byte[] box = new byte[OVERHEAD + (prefix == null ? 0 : prefix.length) + len];
        sealInto(key, aad, prefix, in, off, len, box);
        out.write(0, box, 0, box.length);
    }

    /**
     * Seals {@code prefix || len} native bytes at {@code in} into native memory at {@code out}, as
     * {@link #sealTo}; {@code in} may be the plaintext's own place in the box ({@code out + NONCE +
     * prefix length}), sealed where it is. OpenSSL only: callers check {@link NativeGcm#AVAILABLE}.
     */
    static void sealNative(SecretKey key, byte[] aad, byte[] prefix, com.sun.jna.Pointer in, int len,
            com.sun.jna.Pointer out) {
        if (!NativeGcm.AVAILABLE) {
            throw Errors.internal("sealing native memory needs OpenSSL's GCM", null);
        }
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        NativeGcm.sealTo(key.getEncoded(), aad, nonce, prefix, in, len, out);
    }

    private static void seal(Cipher c, SecretKey key, byte[] aad, byte[] prefix, byte[] in, int off, int len, byte[] out) {
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, out, 0, NONCE));
            c.updateAAD(aad);
            int pos = NONCE;
            if (prefix != null && prefix.length > 0) {
                pos += c.update(prefix, 0, prefix.length, out, pos);
            }
            pos += c.doFinal(in, off, len, out, pos);
            if (pos != out.length) {
                throw new IllegalStateException("sealed " + pos + " bytes, expected " + out.length);
            }
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw Errors.internal("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deterministic sealing: nonce = first 12 bytes of HMAC-SHA-256(nonceKey, aad || plaintext).
     * Uses a fresh Cipher, because the JDK refuses to re-initialize one for encryption with the
     * same key and nonce.
     */
    static byte[] sealDeterministic(SecretKey key, byte[] nonceKey, byte[] aad, byte[] in) {
        byte[] out = new byte[OVERHEAD + in.length];
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nonceKey, "HmacSHA256"));
            mac.update(aad);
            mac.update(in);
            System.arraycopy(mac.doFinal(), 0, out, 0, NONCE);
        } catch (GeneralSecurityException e) {
            throw Errors.internal("HMAC-SHA-256 failed: " + e.getMessage(), e);
        }
        seal(newCipher(), key, aad, null, in, 0, in.length, out);
        return out;
    }

    static byte[] open(SecretKey key, byte[] aad, byte[] in) throws AEADBadTagException {
        return open(key, aad, in, 0, in.length);
    }

    /** Opens a sealed box; AEADBadTagException when it is too short or fails authentication. */
    static byte[] open(SecretKey key, byte[] aad, byte[] in, int off, int len) throws AEADBadTagException {
        if (len < OVERHEAD) {
            throw new AEADBadTagException("sealed box of " + len + " bytes is shorter than " + OVERHEAD);
        }
        byte[] out = new byte[len - OVERHEAD];
        openInto(key, aad, in, off, len, out, 0);
        return out;
    }

    /** Opens into {@code out} at {@code outOff}; returns the plaintext length ({@code len - OVERHEAD}). */
    static int openInto(SecretKey key, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff)
            throws AEADBadTagException {
        if (len < OVERHEAD) {
            throw new AEADBadTagException("sealed box of " + len + " bytes is shorter than " + OVERHEAD);
        }
        if (NativeGcm.AVAILABLE) {
            return NativeGcm.openInto(key, aad, in, off, len, out, outOff);
        }
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, in, off, NONCE));
            c.updateAAD(aad);
            return c.doFinal(in, off + NONCE, len - NONCE, out, outOff);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw Errors.internal("AES-GCM decryption failed: " + e.getMessage(), e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw Errors.internal("AES/GCM/NoPadding is not available: " + e.getMessage(), e);
        }
    }
}
