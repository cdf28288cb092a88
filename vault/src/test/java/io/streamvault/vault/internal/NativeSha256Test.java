package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** OpenSSL's SHA-256 gives the JDK's result for every length and offset, from arrays and direct buffers. */
class NativeSha256Test {
    /** On Linux the system's libcrypto must load and pass the self-test, unless STREAMVAULT_NATIVE_CRYPTO says otherwise. */
    @Test
    void libcryptoLoads() {
        assumeTrue(System.getenv("STREAMVAULT_NATIVE_CRYPTO") == null, "STREAMVAULT_NATIVE_CRYPTO is set");
        assertTrue(NativeSha256.AVAILABLE, "libcrypto should load on Linux: " + NativeSha256.FAILURE);
    }

    @Test
    void agreesWithTheJdk() throws Exception {
        assumeTrue(NativeSha256.AVAILABLE, "OpenSSL's SHA-256 is not available: " + NativeSha256.FAILURE);
        assertNull(NativeSha256.FAILURE);
        byte[] data = new byte[(3 << 20) + 11];
        new Random(8).nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        for (int size : new int[] {0, 1, 63, 64, 65, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20}) {
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            jdk.update(data, 7, size);
            byte[] want = jdk.digest();
            assertArrayEquals(want, NativeSha256.digest(data, 7, size), "array, size " + size);
            ByteBuffer view = direct.duplicate().position(7).limit(7 + size);
            assertArrayEquals(want, NativeSha256.digest(view), "direct, size " + size);
            assertTrue(view.position() == 7 && view.limit() == 7 + size, "the buffer's position and limit stay");
        }
    }

    @Test
    void objectIdsAreTheSha256OfTheBytes() throws Exception {
        byte[] data = new byte[5 << 20];
        new Random(9).nextBytes(data);
        String want = io.streamvault.common.util.Hex.of(MessageDigest.getInstance("SHA-256").digest(data));
        assertTrue(want.equals(Ids.sha256Hex(data)));
    }
}
