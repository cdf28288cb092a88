package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** OpenSSL's HMAC-SHA-256 gives the JDK's result for every length, offset and key switch. */
class NativeHmacTest {
    /** On Linux the system's libcrypto must load and pass the self-test, unless STREAMVAULT_NATIVE_CRYPTO says otherwise. */
    @Test
    void libcryptoLoads() {
        assumeTrue(System.getenv("STREAMVAULT_NATIVE_CRYPTO") == null, "STREAMVAULT_NATIVE_CRYPTO is set");
        assertTrue(NativeHmac.AVAILABLE, "libcrypto should load on Linux: " + NativeHmac.FAILURE);
    }

    @Test
    void agreesWithTheJdk() throws Exception {
        assumeTrue(NativeHmac.AVAILABLE, "OpenSSL's HMAC-SHA-256 is not available: " + NativeHmac.FAILURE);
        assertNull(NativeHmac.FAILURE);
        Random rnd = new Random(5);
        byte[] data = new byte[(3 << 20) + 11];
        rnd.nextBytes(data);
        byte[][] keys = {new byte[32], new byte[32]};
        rnd.nextBytes(keys[0]);
        rnd.nextBytes(keys[1]);
        for (int size : new int[] {0, 1, 63, 64, 65, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20}) {
            for (int k = 0; k < 4; k++) {
                byte[] key = keys[k % 2];
                Mac jdk = Mac.getInstance("HmacSHA256");
                jdk.init(new SecretKeySpec(key, "HmacSHA256"));
                jdk.update(data, 7, size);
                assertArrayEquals(jdk.doFinal(), NativeHmac.mac(key, data, 7, size), "size " + size + " key " + k);
            }
        }
    }

    @Test
    void threadsHashIndependently() throws Exception {
        assumeTrue(NativeHmac.AVAILABLE, "OpenSSL's HMAC-SHA-256 is not available: " + NativeHmac.FAILURE);
        byte[] key = new byte[32];
        key[3] = 9;
        byte[] data = new byte[100_000];
        new Random(6).nextBytes(data);
        byte[] expected = NativeHmac.mac(key, data, 0, data.length);
        Thread[] threads = new Thread[4];
        Throwable[] failed = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        assertArrayEquals(expected, NativeHmac.mac(key, data, 0, data.length));
                    }
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failed[0]);
    }
}
