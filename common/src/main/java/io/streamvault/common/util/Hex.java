package io.streamvault.common.util;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;

/** Lower-case hexadecimal. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    public static String of(byte[] b) {
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = DIGITS[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[b[i] & 0xf];
        }
        return new String(out);
    }

    public static byte[] parse(String s) {
        if (s.length() % 2 != 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "not a hex string: " + s);
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "not a hex string: " + s);
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    public static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || Character.isUpperCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
