package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobId;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A chunk's id is the same from an array and from every kind of buffer holding the same bytes. */
class HmacHasherTest {
    @Test
    void buffersGiveTheArraysId() {
        byte[] key = new byte[32];
        key[1] = 3;
        HmacHasher h = new HmacHasher(key);
        byte[] data = new byte[(2 << 20) + 333];
        new Random(8).nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data);
        ByteBuffer heapSlice = ByteBuffer.wrap(new byte[data.length + 40]).position(40).slice().put(data);
        for (int[] r : new int[][] {{0, 0}, {0, 1}, {5, 1 << 20}, {17, (1 << 20) + 1}, {0, data.length}}) {
            BlobId want = h.id(data, r[0], r[1]);
            for (ByteBuffer b : new ByteBuffer[] {direct, direct.duplicate().position(9), heapSlice,
                heapSlice.asReadOnlyBuffer()}) {
                assertEquals(want, h.id(b, r[0], r[1]), b + " range " + r[0] + "+" + r[1]);
            }
        }
        assertEquals(data.length, direct.position(), "position not moved");
        assertThrows(StreamVaultException.class, () -> h.id(direct, 1, data.length));
    }
}
