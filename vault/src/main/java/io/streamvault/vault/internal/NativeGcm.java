package io.streamvault.vault.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM by the system's OpenSSL libcrypto (through JNA), used by {@link Aead#openInto} and
 * {@link Aead#sealInto} when it loads and passes a self-test against the JDK's implementation
 * (sealing must give the JDK's bytes exactly, opening must reject a forged tag).
 *
 * <p>Why: the JDK's GCM reaches its CPU intrinsics (GHASH carry-less multiply, AES-CTR) only once
 * the methods around them are compiled by C2, which takes thousands of calls. A restore makes one
 * call per blob (about 1 MiB), so the first half gigabyte or so was decrypted by the Java fallback
 * at about 70 MB/s per core (measured on JDK 17.0.15, 70% of a restore's CPU samples). OpenSSL is
 * at full speed from the first call. The uploader, which seals one blob per chunk, showed the same:
 * half of a full backup's CPU samples were the Java GHASH fallback.
 *
 * <p>Plaintext reaches the caller's array only after OpenSSL has verified the tag
 * ({@code EVP_DecryptFinal_ex}); a box that fails is {@link AEADBadTagException} as with the JDK.
 * Set {@code STREAMVAULT_NATIVE_CRYPTO=0} to use the JDK only.
 */
final class NativeGcm {
    private static final int EVP_CTRL_GCM_GET_TAG = 0x10;
    private static final int EVP_CTRL_GCM_SET_TAG = 0x11;
    static final boolean AVAILABLE;
    /** Why it is not available (null when it is, or when it was switched off). */
    static final Throwable FAILURE;
    /** EVP_aes_256_gcm(), set before the self-test runs. */
    private static Pointer aes256Gcm;
    private static final ThreadLocal<Memory[]> BUFFERS = ThreadLocal.withInitial(() -> new Memory[3]);

    static {
        FAILURE = Libcrypto.ENABLED ? Libcrypto.bind(NativeGcm.class, "AES-256-GCM",
                () -> (aes256Gcm = EVP_aes_256_gcm()) != null && selfTest()) : null;
        AVAILABLE = Libcrypto.ENABLED && FAILURE == null;
    }

    private NativeGcm() {
    }

    static native Pointer EVP_CIPHER_CTX_new();

    static native void EVP_CIPHER_CTX_free(Pointer ctx);

    static native Pointer EVP_aes_256_gcm();

    static native int EVP_DecryptInit_ex(Pointer ctx, Pointer cipher, Pointer engine, byte[] key, byte[] iv);

    static native int EVP_DecryptUpdate(Pointer ctx, Pointer out, int[] outl, Pointer in, int inl);

    static native int EVP_CIPHER_CTX_ctrl(Pointer ctx, int type, int arg, Pointer ptr);

    static native int EVP_DecryptFinal_ex(Pointer ctx, Pointer out, int[] outl);

    static native int EVP_EncryptInit_ex(Pointer ctx, Pointer cipher, Pointer engine, byte[] key, byte[] iv);

    static native int EVP_EncryptUpdate(Pointer ctx, Pointer out, int[] outl, Pointer in, int inl);

    static native int EVP_EncryptFinal_ex(Pointer ctx, Pointer out, int[] outl);

    private static boolean selfTest() throws GeneralSecurityException {
        byte[] key = new byte[32];
        byte[] nonce = new byte[Aead.NONCE];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        byte[] aad = {1, 2, 3};
        byte[] plain = new byte[100_003];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i * 31 + (i >> 8));
        }
        SecretKey k = new SecretKeySpec(key, "AES");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(Aead.TAG * 8, nonce));
        c.updateAAD(aad);
        byte[] ct = c.doFinal(plain);
        byte[] box = new byte[Aead.NONCE + ct.length];
        System.arraycopy(ct, 0, box, Aead.NONCE, ct.length);
        byte[] out = new byte[plain.length];
        if (open(key, aad, box, 0, box.length, out, 0) != plain.length || !Arrays.equals(out, plain)) {
            return false;
        }
        byte[] sealed = new byte[box.length];
        seal(key, aad, plain, 0, 7, plain, 7, plain.length - 7, sealed);
        if (!Arrays.equals(sealed, box)) {
            return false; // sealing must give the JDK's bytes exactly
        }
        box[box.length - 1] ^= 1;
        try {
            open(key, aad, box, 0, box.length, out, 0);
            return false; // a forged tag must fail
        } catch (AEADBadTagException expected) {
            return true;
        }
    }

    /** Native buffers up to this size are kept per thread; larger ones (index objects) are freed after use. */
    private static final int KEEP = 8 << 20;

    private static Memory buffer(int i, int size) {
        if (size > KEEP) {
            return new Memory(size);
        }
        Memory[] b = BUFFERS.get();
        if (b[i] == null || b[i].size() < size) {
            b[i] = new Memory(Math.max(size, 64 << 10));
        }
        return b[i];
    }

    private static void release(Memory m) {
        if (m.size() > KEEP) {
            m.close();
        }
    }

    static int openInto(SecretKey key, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff)
            throws AEADBadTagException {
        return open(key.getEncoded(), aad, in, off, len, out, outOff);
    }

    /**
     * Seals {@code prefix || in[off, off+len)} into {@code out}, whose first {@link Aead#NONCE}
     * bytes already hold the nonce: ciphertext follows it, then the tag.
     */
    static void sealInto(SecretKey key, byte[] aad, byte[] prefix, byte[] in, int off, int len, byte[] out) {
        int p = prefix == null ? 0 : prefix.length;
        seal(key.getEncoded(), aad, prefix, 0, p, in, off, len, out);
    }

    /**
     * Seals {@code prefix || in[off, off+len)} into native memory at {@code out}: the nonce, the
     * ciphertext, the tag ({@link Aead#OVERHEAD} + prefix + {@code len} bytes), with no copy on the heap.
     */
    static void sealTo(SecretKey key, byte[] aad, byte[] nonce, byte[] prefix, byte[] in, int off, int len, Pointer out) {
        sealTo(key.getEncoded(), aad, nonce, prefix, 0, prefix == null ? 0 : prefix.length, in, off, len, out);
    }

    private static void seal(byte[] key, byte[] aad, byte[] prefix, int pOff, int pLen, byte[] in, int off, int len,
            byte[] out) {
        int ptLen = pLen + len;
        if (out.length != Aead.OVERHEAD + ptLen) {
            throw Errors.internal("OpenSSL: a box of " + out.length + " bytes for " + ptLen + " bytes", null);
        }
        Memory dst = buffer(1, out.length);
        try {
            sealTo(key, aad, Arrays.copyOfRange(out, 0, Aead.NONCE), prefix, pOff, pLen, in, off, len, dst);
            dst.read(Aead.NONCE, out, Aead.NONCE, ptLen + Aead.TAG);
        } finally {
            release(dst);
        }
    }

    private static void sealTo(byte[] key, byte[] aad, byte[] nonce, byte[] prefix, int pOff, int pLen, byte[] in,
            int off, int len, Pointer out) {
        int ptLen = pLen + len;
        Memory src = buffer(0, Math.max(ptLen, 1));
        try {
            if (pLen > 0) {
                src.write(0, prefix, pOff, pLen);
            }
            src.write(pLen, in, off, len);
            sealTo(key, aad, nonce, null, src, ptLen, out);
        } finally {
            release(src);
        }
    }

    /**
     * Seals {@code prefix || len} native bytes at {@code in} into {@code out}: the nonce, the
     * ciphertext, the tag. {@code in} may be {@code out + NONCE + prefix length} (sealed in place:
     * OpenSSL's GCM allows the same buffer in and out); otherwise the two must not overlap.
     */
    static void sealTo(byte[] key, byte[] aad, byte[] nonce, byte[] prefix, Pointer in, int len, Pointer out) {
        int pLen = prefix == null ? 0 : prefix.length;
        int ptLen = pLen + len;
        Memory small = buffer(2, Math.max(1, Math.max(aad.length, pLen))); // 0 and 1 may hold in and out
        Pointer ctx = EVP_CIPHER_CTX_new();
        if (ctx == null) {
            throw Errors.internal("OpenSSL: EVP_CIPHER_CTX_new failed", null);
        }
        try {
            int[] n = new int[1];
            if (EVP_EncryptInit_ex(ctx, aes256Gcm, null, key, nonce) != 1) {
                throw Errors.internal("OpenSSL: EVP_EncryptInit_ex failed", null);
            }
            if (aad.length > 0) {
                small.write(0, aad, 0, aad.length);
                if (EVP_EncryptUpdate(ctx, null, n, small, aad.length) != 1) {
                    throw Errors.internal("OpenSSL: EVP_EncryptUpdate (AAD) failed", null);
                }
            }
            out.write(0, nonce, 0, Aead.NONCE);
            Pointer ct = out.share(Aead.NONCE);
            int written = 0;
            if (pLen > 0) {
                small.write(0, prefix, 0, pLen);
                if (EVP_EncryptUpdate(ctx, ct, n, small, pLen) != 1) {
                    throw Errors.internal("OpenSSL: EVP_EncryptUpdate (prefix) failed", null);
                }
                written += n[0];
            }
            if (len > 0) {
                if (EVP_EncryptUpdate(ctx, ct.share(written), n, in, len) != 1) {
                    throw Errors.internal("OpenSSL: EVP_EncryptUpdate failed", null);
                }
                written += n[0];
            }
            if (EVP_EncryptFinal_ex(ctx, ct.share(written), n) != 1) {
                throw Errors.internal("OpenSSL: EVP_EncryptFinal_ex failed", null);
            }
            written += n[0];
            if (written != ptLen) {
                throw Errors.internal("OpenSSL: sealed " + written + " bytes of " + ptLen, null);
            }
            if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Aead.TAG, ct.share(ptLen)) != 1) {
                throw Errors.internal("OpenSSL: reading the GCM tag failed", null);
            }
        } finally {
            EVP_CIPHER_CTX_free(ctx);
            release(small);
        }
    }

    private static int open(byte[] key, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff)
            throws AEADBadTagException {
        int ctLen = len - Aead.NONCE - Aead.TAG;
        if (ctLen < 0) {
            throw new AEADBadTagException("sealed box of " + len + " bytes is shorter than " + Aead.OVERHEAD);
        }
        byte[] nonce = Arrays.copyOfRange(in, off, off + Aead.NONCE);
        Memory src = buffer(0, Math.max(ctLen, Math.max(aad.length, Aead.TAG)));
        Memory dst = buffer(1, ctLen + 32);
        Pointer ctx = EVP_CIPHER_CTX_new();
        if (ctx == null) {
            throw Errors.internal("OpenSSL: EVP_CIPHER_CTX_new failed", null);
        }
        try {
            int[] n = new int[1];
            if (EVP_DecryptInit_ex(ctx, aes256Gcm, null, key, nonce) != 1) {
                throw Errors.internal("OpenSSL: EVP_DecryptInit_ex failed", null);
            }
            if (aad.length > 0) {
                src.write(0, aad, 0, aad.length);
                if (EVP_DecryptUpdate(ctx, null, n, src, aad.length) != 1) {
                    throw Errors.internal("OpenSSL: EVP_DecryptUpdate (AAD) failed", null);
                }
            }
            src.write(0, in, off + Aead.NONCE, ctLen);
            if (EVP_DecryptUpdate(ctx, dst, n, src, ctLen) != 1) {
                throw Errors.internal("OpenSSL: EVP_DecryptUpdate failed", null);
            }
            int written = n[0];
            src.write(0, in, off + Aead.NONCE + ctLen, Aead.TAG);
            if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Aead.TAG, src) != 1) {
                throw Errors.internal("OpenSSL: setting the GCM tag failed", null);
            }
            if (EVP_DecryptFinal_ex(ctx, dst.share(written), n) != 1) {
                throw new AEADBadTagException("Tag mismatch");
            }
            written += n[0];
            if (written != ctLen) {
                throw Errors.internal("OpenSSL: decrypted " + written + " bytes of " + ctLen, null);
            }
            dst.read(0, out, outOff, ctLen);
            return ctLen;
        } finally {
            EVP_CIPHER_CTX_free(ctx);
            release(src);
            release(dst);
        }
    }
}
