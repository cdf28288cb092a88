package io.streamvault.schemas.internal;

import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then Avro binary.
 * Encoders, decoders and the output buffer are reused per thread, so a record costs one
 * allocation: its result array.
 */
final class WireFormat {
    static final byte MAGIC = 0;
    static final int HEADER = 5;

    private static final ThreadLocal<WireFormat> PER_THREAD = ThreadLocal.withInitial(WireFormat::new);

    final Buffer out = new Buffer();
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    private WireFormat() {
    }

    static WireFormat get() {
        return PER_THREAD.get();
    }

    /** Starts a record: clears the buffer and writes the header. */
    BinaryEncoder begin(int schemaId) {
        out.reset();
        out.write(MAGIC);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        return encoder;
    }

    BinaryDecoder decoder(byte[] data) {
        decoder = DecoderFactory.get().binaryDecoder(data, HEADER, data.length - HEADER, decoder);
        return decoder;
    }

    static int schemaId(byte[] data) {
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }

    /** An unsynchronized growable byte buffer. */
    static final class Buffer extends OutputStream {
        private byte[] buf = new byte[1024];
        private int count;

        void reset() {
            count = 0;
            if (buf.length > (1 << 20)) {
                buf = new byte[1024]; // do not keep a rare huge record's buffer for the thread's life
            }
        }

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }
}
