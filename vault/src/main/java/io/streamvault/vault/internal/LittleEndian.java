package io.streamvault.vault.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian integers in byte arrays: every binary integer of the vault format is little-endian. */
final class LittleEndian {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    static void putU32(byte[] b, int off, long v) {
        INT.set(b, off, (int) v);
    }

    static void putInt(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    /** The raw 32 bits; use {@link Integer#toUnsignedLong} for the unsigned value. */
    static int getInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long getU32(byte[] b, int off) {
        return Integer.toUnsignedLong(getInt(b, off));
    }

    static void putU16(byte[] b, int off, int v) {
        SHORT.set(b, off, (short) v);
    }

    static int getU16(byte[] b, int off) {
        return Short.toUnsignedInt((short) SHORT.get(b, off));
    }
}
