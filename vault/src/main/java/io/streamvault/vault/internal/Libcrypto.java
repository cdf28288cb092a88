package io.streamvault.vault.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.concurrent.Callable;

/**
 * Binding the system's OpenSSL libcrypto, the one way {@link NativeGcm}, {@link NativeHmac},
 * {@link NativeSha256} and {@link NativeKdf} do it: each registers its native methods and must pass a self-test against the
 * Java implementation, or the Java implementation is used. {@code STREAMVAULT_NATIVE_CRYPTO=0}
 * turns all of them off.
 */
final class Libcrypto {
    /** False when {@code STREAMVAULT_NATIVE_CRYPTO=0}. */
    static final boolean ENABLED = !"0".equals(System.getenv("STREAMVAULT_NATIVE_CRYPTO"));
    /** Heap bytes go to OpenSSL through a native buffer of this size per thread ({@link #feed}). */
    static final int SLICE = 1 << 20;

    /** One call of an OpenSSL update function (returning 1 on success) over native bytes. */
    interface Update {
        int apply(Pointer data, int length);
    }

    private Libcrypto() {
    }

    /**
     * Registers the native methods of {@code bindings} from libcrypto and runs {@code selfTest}
     * (which may also look up what the bindings need); returns why they are not usable, or null.
     */
    static Throwable bind(Class<?> bindings, String what, Callable<Boolean> selfTest) {
        try {
            Native.register(bindings, "crypto");
            return selfTest.call() ? null : new IllegalStateException("OpenSSL " + what + " failed its self-test");
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * Feeds {@code buf[off, off+len)} to {@code update} through {@code slice}, a native buffer, a
     * slice at a time: JNA would otherwise copy the whole array for each call.
     */
    static void feed(Memory slice, byte[] buf, int off, int len, Update update, String what) {
        for (int done = 0; done < len; ) {
            int n = (int) Math.min(slice.size(), len - done);
            slice.write(0, buf, off + done, n);
            if (update.apply(slice, n) != 1) {
                throw Errors.internal("OpenSSL: " + what + " failed", null);
            }
            done += n;
        }
    }

    /** Bytes for the self-tests: two slices and a bit, no period a slice boundary would hide. */
    static byte[] testBytes() {
        byte[] data = new byte[SLICE * 2 + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >> 9));
        }
        return data;
    }
}
