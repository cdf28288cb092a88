package io.streamvault.vault.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 by the system's OpenSSL libcrypto (through JNA), used by {@link HmacHasher} when it
 * loads and gives the JDK's result in a self-test.
 *
 * <p>Why: every byte a backup reads and every byte a restore writes is hashed once. The JDK's
 * SHA-256 reaches its SHA-NI intrinsic only from C2-compiled code; a restore's C2 compiler spent
 * over 5 s of CPU on 2 cores, and the hashing ran in the interpreter and C1 code until then. OpenSSL
 * runs at full speed from the first call and leaves the JIT nothing hot to compile.
 *
 * <p>One HMAC context and one 1 MiB native buffer per thread; longer inputs are fed in slices. The
 * context is re-keyed only when the key changes. Set {@code STREAMVAULT_NATIVE_CRYPTO=0} to use the
 * JDK only.
 */
final class NativeHmac {
    static final boolean AVAILABLE;
    /** Why it is not available (null when it is, or when it was switched off). */
    static final Throwable FAILURE;
    /** The provider's SHA-256 (EVP_MD_fetch), so that no init fetches it again. */
    private static Pointer sha256;
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    static {
        FAILURE = Libcrypto.ENABLED ? Libcrypto.bind(NativeHmac.class, "HMAC-SHA-256",
                () -> (sha256 = EVP_MD_fetch(null, "SHA256", null)) != null && selfTest()) : null;
        AVAILABLE = Libcrypto.ENABLED && FAILURE == null;
    }

    private NativeHmac() {
    }

    static native Pointer EVP_MD_fetch(Pointer libctx, String algorithm, String properties);

    static native Pointer HMAC_CTX_new();

    static native int HMAC_Init_ex(Pointer ctx, byte[] key, int keyLen, Pointer md, Pointer engine);

    static native int HMAC_Update(Pointer ctx, Pointer data, long len);

    static native int HMAC_Final(Pointer ctx, byte[] md, int[] mdLen);

    /** A thread's context, buffer and the key the context holds. */
    private static final class State {
        final Pointer ctx = HMAC_CTX_new();
        final Memory buffer = new Memory(Libcrypto.SLICE);
        final int[] mdLen = new int[1];
        byte[] key;
    }

    /** HMAC-SHA-256 of {@code buf[off, off+len)} under {@code key}. */
    static byte[] mac(byte[] key, byte[] buf, int off, int len) {
        State s = init(key);
        Libcrypto.feed(s.buffer, buf, off, len, (p, n) -> HMAC_Update(s.ctx, p, n), "HMAC_Update");
        return finish(s);
    }

    /** HMAC-SHA-256 of {@code len} native bytes at {@code data} under {@code key}: no copy. */
    static byte[] mac(byte[] key, Pointer data, long len) {
        State s = init(key);
        if (HMAC_Update(s.ctx, data, len) != 1) {
            throw Errors.internal("OpenSSL: HMAC_Update failed", null);
        }
        return finish(s);
    }

    /** The thread's context, initialised for {@code key}. */
    private static State init(byte[] key) {
        State s = STATE.get();
        if (s.ctx == null) {
            throw Errors.internal("OpenSSL: HMAC_CTX_new failed", null);
        }
        if (Arrays.equals(key, s.key)) {
            if (HMAC_Init_ex(s.ctx, null, 0, null, null) != 1) {
                throw Errors.internal("OpenSSL: HMAC_Init_ex failed", null);
            }
        } else {
            s.key = null;
            if (HMAC_Init_ex(s.ctx, key, key.length, sha256, null) != 1) {
                throw Errors.internal("OpenSSL: HMAC_Init_ex failed", null);
            }
            s.key = key.clone();
        }
        return s;
    }

    private static byte[] finish(State s) {
        byte[] md = new byte[32];
        if (HMAC_Final(s.ctx, md, s.mdLen) != 1 || s.mdLen[0] != 32) {
            throw Errors.internal("OpenSSL: HMAC_Final failed", null);
        }
        return md;
    }

    private static boolean selfTest() throws GeneralSecurityException {
        byte[] data = Libcrypto.testBytes();
        for (byte[] key : new byte[][] {new byte[32], "another key".getBytes(StandardCharsets.UTF_8)}) {
            key[0] ^= 5;
            Mac jdk = Mac.getInstance("HmacSHA256");
            jdk.init(new SecretKeySpec(key, "HmacSHA256"));
            for (int len : new int[] {0, 3, 64, 65, Libcrypto.SLICE, data.length - 5}) {
                jdk.update(data, 5, len);
                byte[] want = jdk.doFinal();
                if (!Arrays.equals(want, mac(key, data, 5, len))) {
                    return false;
                }
                try (Memory m = new Memory(len + 1)) {
                    m.write(0, data, 5, len);
                    if (!Arrays.equals(want, mac(key, m, len))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
