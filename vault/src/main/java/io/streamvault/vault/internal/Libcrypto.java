package io.streamvault.vault.internal;

import com.sun.jna.Native;
import java.util.concurrent.Callable;

/**
 * Binding the system's OpenSSL libcrypto, the one way {@link NativeGcm}, {@link NativeHmac} and
 * {@link NativeKdf} do it: each registers its native methods and must pass a self-test against the
 * Java implementation, or the Java implementation is used. {@code STREAMVAULT_NATIVE_CRYPTO=0}
 * turns all of them off.
 */
final class Libcrypto {
    /** False when {@code STREAMVAULT_NATIVE_CRYPTO=0}. */
    static final boolean ENABLED = !"0".equals(System.getenv("STREAMVAULT_NATIVE_CRYPTO"));

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
}
