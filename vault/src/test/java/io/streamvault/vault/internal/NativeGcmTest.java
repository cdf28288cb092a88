package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;

/** OpenSSL's AES-GCM opens exactly what the JDK seals, and refuses every modified box. */
class NativeGcmTest {
    /** On Linux the system's libcrypto must load and pass the self-test, unless STREAMVAULT_NATIVE_CRYPTO says otherwise. */
    @Test
    void libcryptoLoads() {
        assumeTrue(System.getenv("STREAMVAULT_NATIVE_CRYPTO") == null, "STREAMVAULT_NATIVE_CRYPTO is set");
        assertTrue(NativeGcm.AVAILABLE, "libcrypto should load on Linux: " + NativeGcm.FAILURE);
    }

    @Test
    void agreesWithTheJdkAndRefusesForgeries() throws Exception {
        assumeTrue(NativeGcm.AVAILABLE, "OpenSSL's AES-GCM is not available: " + NativeGcm.FAILURE);
        assertNull(NativeGcm.FAILURE);
        Random rnd = new Random(3);
        byte[] k = new byte[32];
        rnd.nextBytes(k);
        SecretKey key = Aead.aesKey(k);
        for (int size : new int[] {0, 1, 15, 16, 17, 4095, 65536, 1 << 20, (4 << 20) + 3}) {
            byte[] plain = new byte[size];
            rnd.nextBytes(plain);
            byte[] aad = {(byte) size, 7};
            byte[] box = Aead.seal(key, aad, plain);
            byte[] padded = new byte[box.length + 10];
            System.arraycopy(box, 0, padded, 5, box.length);
            byte[] out = new byte[size + 3];
            NativeGcm.openInto(key, aad, padded, 5, box.length, out, 3);
            byte[] got = new byte[size];
            System.arraycopy(out, 3, got, 0, size);
            assertArrayEquals(plain, got, "size " + size);
            assertArrayEquals(plain, Aead.open(key, aad, box), "Aead.open, size " + size);
            for (int pos : new int[] {0, Aead.NONCE, box.length - 1}) {
                if (pos >= box.length) {
                    continue;
                }
                byte[] bad = box.clone();
                bad[pos] ^= 0x40;
                assertThrows(AEADBadTagException.class, () -> NativeGcm.openInto(key, aad, bad, 0, bad.length,
                        new byte[size], 0), "flipped byte " + pos + " of a " + size + "-byte box");
            }
            assertThrows(AEADBadTagException.class, () -> NativeGcm.openInto(key, new byte[] {9}, box, 0, box.length,
                    new byte[size], 0), "other associated data");
        }
    }

    @Test
    void sealsTheSameBytesAsTheJdk() throws Exception {
        assumeTrue(NativeGcm.AVAILABLE, "OpenSSL's AES-GCM is not available: " + NativeGcm.FAILURE);
        Random rnd = new Random(4);
        byte[] k = keyBytes(rnd);
        SecretKey key = Aead.aesKey(k);
        Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
        for (int size : new int[] {0, 1, 16, 1000, 1 << 20}) {
            byte[] prefix = {1};
            byte[] plain = new byte[size];
            rnd.nextBytes(plain);
            byte[] aad = {(byte) size};
            byte[] nativeBox = new byte[Aead.OVERHEAD + 1 + size];
            rnd.nextBytes(nativeBox);
            byte[] nonce = Arrays.copyOf(nativeBox, Aead.NONCE);
            NativeGcm.sealInto(key, aad, prefix, plain, 0, size, nativeBox);
            jdk.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            jdk.updateAAD(aad);
            byte[] joined = new byte[1 + size];
            joined[0] = 1;
            System.arraycopy(plain, 0, joined, 1, size);
            byte[] ct = jdk.doFinal(joined);
            byte[] jdkBox = new byte[Aead.NONCE + ct.length];
            System.arraycopy(nonce, 0, jdkBox, 0, Aead.NONCE);
            System.arraycopy(ct, 0, jdkBox, Aead.NONCE, ct.length);
            assertArrayEquals(jdkBox, nativeBox, "size " + size);
        }
    }

    /** Sealing native bytes, apart or in place, gives the bytes the array path gives: the JDK opens them. */
    @Test
    void sealsNativeMemoryApartAndInPlace() throws Exception {
        assumeTrue(NativeGcm.AVAILABLE, "OpenSSL's AES-GCM is not available: " + NativeGcm.FAILURE);
        Random rnd = new Random(4);
        byte[] k = keyBytes(rnd);
        SecretKey key = Aead.aesKey(k);
        byte[] nonce = new byte[Aead.NONCE];
        rnd.nextBytes(nonce);
        byte[] aad = {1};
        for (int size : new int[] {0, 1, 17, 65536, (1 << 20) + 5}) {
            byte[] plain = new byte[size];
            rnd.nextBytes(plain);
            for (byte[] prefix : new byte[][] {null, {0}}) {
                int p = prefix == null ? 0 : prefix.length;
                int box = Aead.OVERHEAD + p + size;
                try (com.sun.jna.Memory viaArray = new com.sun.jna.Memory(box);
                        com.sun.jna.Memory src = new com.sun.jna.Memory(size + 1);
                        com.sun.jna.Memory apart = new com.sun.jna.Memory(box);
                        com.sun.jna.Memory inPlace = new com.sun.jna.Memory(box)) {
                    NativeGcm.sealTo(key, aad, nonce, prefix, plain, 0, size, viaArray);
                    src.write(0, plain, 0, size);
                    NativeGcm.sealTo(k, aad, nonce, prefix, src, size, apart);
                    inPlace.write(Aead.NONCE + p, plain, 0, size);
                    NativeGcm.sealTo(k, aad, nonce, prefix, inPlace.share(Aead.NONCE + p), size, inPlace);
                    byte[] want = viaArray.getByteArray(0, box);
                    assertArrayEquals(want, apart.getByteArray(0, box), "apart, size " + size);
                    assertArrayEquals(want, inPlace.getByteArray(0, box), "in place, size " + size);
                    byte[] opened = Aead.open(key, aad, want);
                    assertArrayEquals(plain, Arrays.copyOfRange(opened, p, opened.length), "size " + size);
                }
            }
        }
    }

    private static byte[] keyBytes(Random rnd) {
        byte[] k = new byte[32];
        rnd.nextBytes(k);
        return k;
    }
}
