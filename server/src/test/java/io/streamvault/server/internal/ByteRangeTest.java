package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void oneRangeIsClampedToTheFile() {
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
        assertEquals(100, ByteRange.parse("bytes=0-99", 1000).length());
        assertEquals(new ByteRange(0, 0), ByteRange.parse(" Bytes= 0 - 0 ", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=900-", 1000));
        assertEquals(new ByteRange(500, 999), ByteRange.parse("bytes=500-5000", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=-100", 1000));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-2000", 1000));
    }

    @Test
    void aRangeOutsideTheFileIsUnsatisfiable() {
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", 1000));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 1000));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-5", 0));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
    }

    @Test
    void noMalformedOrSeveralRangesMeanTheWholeFile() {
        for (String h : new String[] {null, "bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=abc", "bytes=-", "bytes=1",
                "bytes=--5", "bytes=-1-2"}) {
            assertNull(ByteRange.parse(h, 1000), h);
        }
    }
}
