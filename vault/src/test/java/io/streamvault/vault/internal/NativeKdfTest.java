package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

/** OpenSSL's scrypt derives exactly BouncyCastle's keys, at the vault's real cost too. */
class NativeKdfTest {
    /** On Linux the system's libcrypto must load and pass the self-test, unless STREAMVAULT_NATIVE_CRYPTO says otherwise. */
    @Test
    void libcryptoLoads() {
        assumeTrue(System.getenv("STREAMVAULT_NATIVE_CRYPTO") == null, "STREAMVAULT_NATIVE_CRYPTO is set");
        assertTrue(NativeKdf.AVAILABLE, "libcrypto's scrypt should load on Linux");
    }

    /** Without OpenSSL, NativeKdf.scrypt is BouncyCastle itself: the comparison would prove nothing. */
    @Test
    void agreesWithBouncyCastle() {
        assumeTrue(NativeKdf.AVAILABLE, "OpenSSL's scrypt is not available");
        byte[] pw = "correct horse battery staple ✓".getBytes(StandardCharsets.UTF_8);
        byte[] salt = new byte[32];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 13);
        }
        for (int logN : new int[] {10, 15}) {
            int n = 1 << logN;
            assertArrayEquals(SCrypt.generate(pw, salt, n, 8, 1, 32), NativeKdf.scrypt(pw, salt, n, 8, 1, 32), "N=2^" + logN);
        }
    }
}
