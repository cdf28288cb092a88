package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Paths in URLs: raw name bytes, percent-encoded (RFC 3986), names joined by '/'. Every byte that is
 * not an unreserved character is encoded as %XX, so names with newlines, '%', '?', '#' or invalid
 * UTF-8 are reachable; "%2F" and a literal '/' mean the same (no name holds a '/').
 */
public final class PathCodec {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathCodec() {
    }

    /** Decodes a still-encoded URL path piece to raw bytes; INVALID_ARGUMENT on a bad escape. */
    public static byte[] decode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw bad(raw);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(raw);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private static FatalException bad(String raw) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, "bad percent-encoding in \"" + raw + "\"");
    }

    /** Percent-encodes one raw name (a '/' inside would be encoded too). */
    public static String encodeName(byte[] name) {
        StringBuilder sb = new StringBuilder(name.length + 8);
        for (byte x : name) {
            int b = x & 0xff;
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
                    || b == '_' || b == '~') {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return sb.toString();
    }

    /** Encodes names joined by '/'. */
    public static String encodePath(List<byte[]> names) {
        StringBuilder sb = new StringBuilder();
        for (byte[] n : names) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(encodeName(n));
        }
        return sb.toString();
    }
}
