package io.streamvault.schemas;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Conversions between Avro's {@code bytes} fields (ByteBuffer) and byte arrays. */
public final class Buffers {
    private Buffers() {
    }

    /** The remaining bytes of a buffer, without moving its position; null stays null. */
    public static byte[] of(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    public static ByteBuffer wrap(byte[] b) {
        return b == null ? null : ByteBuffer.wrap(b);
    }

    public static List<ByteBuffer> wrapAll(List<byte[]> list) {
        List<ByteBuffer> out = new ArrayList<>(list.size());
        for (byte[] b : list) {
            out.add(ByteBuffer.wrap(b));
        }
        return out;
    }
}
