package io.streamvault.vault.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * SHA-256 by the system's OpenSSL libcrypto (through JNA), used for object ids ({@link Ids}) when
 * it loads and gives the JDK's result in a self-test.
 *
 * <p>Why: every pack is hashed whole for its id, 1.4 GB in a backup of the benchmark data set. The
 * JDK's SHA-256 reaches its SHA-NI intrinsic only from C2-compiled code: without C2 the pack writer
 * took ten times longer. OpenSSL runs at full speed from the first call, and reads a direct buffer
 * where it is, without a copy.
 *
 * <p>One digest context and one native buffer per thread (heap arrays are fed through it in
 * slices, {@link Libcrypto#feed}). {@code STREAMVAULT_NATIVE_CRYPTO=0} switches it off with the rest of the OpenSSL use.
 */
final class NativeSha256 {
    static final boolean AVAILABLE;
    /** Why it is not available (null when it is, or when it was switched off). */
    static final Throwable FAILURE;
    private static Pointer sha256;
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    static {
        FAILURE = Libcrypto.ENABLED ? Libcrypto.bind(NativeSha256.class, "SHA-256",
                () -> (sha256 = EVP_MD_fetch(null, "SHA256", null)) != null && selfTest()) : null;
        AVAILABLE = Libcrypto.ENABLED && FAILURE == null;
    }

    private NativeSha256() {
    }

    static native Pointer EVP_MD_fetch(Pointer libctx, String algorithm, String properties);

    static native Pointer EVP_MD_CTX_new();

    static native int EVP_DigestInit_ex(Pointer ctx, Pointer md, Pointer engine);

    static native int EVP_DigestUpdate(Pointer ctx, Pointer data, long len);

    static native int EVP_DigestFinal_ex(Pointer ctx, byte[] md, int[] mdLen);

    private static final class State {
        final Pointer ctx = EVP_MD_CTX_new();
        final Memory buffer = new Memory(Libcrypto.SLICE);
        final int[] mdLen = new int[1];
    }

    /** SHA-256 of {@code buf[off, off+len)}. */
    static byte[] digest(byte[] buf, int off, int len) {
        State s = init();
        Libcrypto.feed(s.buffer, buf, off, len, (p, n) -> EVP_DigestUpdate(s.ctx, p, n), "EVP_DigestUpdate");
        return finish(s);
    }

    /** SHA-256 of a direct buffer's bytes from its position to its limit (which stay as they are). */
    static byte[] digest(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        State s = init();
        Pointer p = Native.getDirectBufferPointer(direct).share(direct.position());
        if (direct.hasRemaining() && EVP_DigestUpdate(s.ctx, p, direct.remaining()) != 1) {
            throw Errors.internal("OpenSSL: EVP_DigestUpdate failed", null);
        }
        return finish(s);
    }

    private static State init() {
        State s = STATE.get();
        if (s.ctx == null || EVP_DigestInit_ex(s.ctx, sha256, null) != 1) {
            throw Errors.internal("OpenSSL: EVP_DigestInit_ex failed", null);
        }
        return s;
    }

    private static byte[] finish(State s) {
        byte[] md = new byte[32];
        if (EVP_DigestFinal_ex(s.ctx, md, s.mdLen) != 1 || s.mdLen[0] != 32) {
            throw Errors.internal("OpenSSL: EVP_DigestFinal_ex failed", null);
        }
        return md;
    }

    private static boolean selfTest() throws NoSuchAlgorithmException {
        byte[] data = Libcrypto.testBytes();
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        for (int len : new int[] {0, 3, 64, 65, Libcrypto.SLICE, data.length - 5}) {
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            jdk.update(data, 5, len);
            byte[] want = jdk.digest();
            if (!Arrays.equals(want, digest(data, 5, len))
                    || !Arrays.equals(want, digest(direct.duplicate().position(5).limit(5 + len)))) {
                return false;
            }
        }
        return true;
    }
}
