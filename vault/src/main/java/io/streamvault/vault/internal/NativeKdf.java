package io.streamvault.vault.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * scrypt by the system's OpenSSL libcrypto ({@code EVP_PBE_scrypt}, through JNA), used for key
 * derivation when it loads and gives BouncyCastle's result in a self-test. Opening a vault costs
 * one scrypt (N = 2^15, r = 8): about half a second in Java on a cold JVM, which every command
 * paid before doing anything else; OpenSSL takes a fraction of that. Set
 * {@code STREAMVAULT_NATIVE_CRYPTO=0} to use BouncyCastle only.
 */
final class NativeKdf {
    static final boolean AVAILABLE;

    static {
        AVAILABLE = Libcrypto.ENABLED && Libcrypto.bind(NativeKdf.class, "scrypt", NativeKdf::selfTest) == null;
    }

    private static boolean selfTest() {
        byte[] pw = "self-test".getBytes(StandardCharsets.US_ASCII);
        byte[] salt = new byte[16];
        Arrays.fill(salt, (byte) 7);
        byte[] got = new byte[32];
        return EVP_PBE_scrypt(pw, pw.length, salt, salt.length, 1024, 8, 1, 1L << 30, got, got.length) == 1
                && Arrays.equals(got, SCrypt.generate(pw, salt, 1024, 8, 1, 32));
    }

    private NativeKdf() {
    }

    static native int EVP_PBE_scrypt(byte[] pass, long passlen, byte[] salt, long saltlen, long n, long r, long p,
            long maxmem, byte[] key, long keylen);

    /** scrypt(pw, salt, N, r, p) to {@code len} bytes. */
    static byte[] scrypt(byte[] pw, byte[] salt, int n, int r, int p, int len) {
        if (AVAILABLE) {
            byte[] out = new byte[len];
            long mem = 128L * r * (n + p + 2) + (64L << 20);
            if (EVP_PBE_scrypt(pw, pw.length, salt, salt.length, n, r, p, mem, out, len) == 1) {
                return out;
            }
        }
        return SCrypt.generate(pw, salt, n, r, p, len);
    }
}
