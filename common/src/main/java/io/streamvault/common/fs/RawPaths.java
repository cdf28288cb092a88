package io.streamvault.common.fs;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Paths as the kernel sees them: byte strings. {@link Path#toString()} is lossy for names that are
 * not valid in the JVM's encoding; these helpers never go through a {@code String}. Needs
 * {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}; without it the first call fails with a
 * clear message.
 *
 * <p>Implementation: the default file system's {@code sun.nio.fs.UnixPath} keeps the bytes the
 * kernel returned (or was given) in a private array. {@link #bytes} reads it through the
 * package-private {@code UnixPath.asByteArray()}, {@link #of} builds a path through the
 * package-private constructor {@code UnixPath(UnixFileSystem, byte[])}, after normalizing the bytes
 * the way the public constructor does (repeated '/' collapsed, trailing '/' removed). Both method
 * handles are looked up once and kept in static finals.
 */
public final class RawPaths {
    private static final byte SLASH = '/';
    private static final byte[] EMPTY = new byte[0];

    private RawPaths() {
    }

    /** Looked up once; {@code null} handles with a {@code failure} message when not permitted. */
    private static final class Handles {
        static final MethodHandle AS_BYTES; // (Path) -> byte[]
        static final MethodHandle NEW_PATH; // (byte[]) -> Path
        static final Class<?> UNIX_PATH;
        static final String FAILURE;
        static final Throwable CAUSE;

        static {
            MethodHandle asBytes = null;
            MethodHandle newPath = null;
            Class<?> unixPath = null;
            String failure = null;
            Throwable cause = null;
            try {
                FileSystem fs = FileSystems.getDefault();
                unixPath = Class.forName("sun.nio.fs.UnixPath");
                Class<?> unixFs = Class.forName("sun.nio.fs.UnixFileSystem");
                if (!unixFs.isInstance(fs)) {
                    throw new IllegalStateException("the default file system is " + fs.getClass().getName()
                            + ", not a sun.nio.fs.UnixFileSystem");
                }
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(unixPath, MethodHandles.lookup());
                asBytes = lookup.findVirtual(unixPath, "asByteArray", MethodType.methodType(byte[].class))
                        .asType(MethodType.methodType(byte[].class, Path.class));
                newPath = lookup.findConstructor(unixPath, MethodType.methodType(void.class, unixFs, byte[].class))
                        .bindTo(fs)
                        .asType(MethodType.methodType(Path.class, byte[].class));
            } catch (IllegalAccessException | SecurityException e) {
                failure = "raw file names need the JVM option --add-opens java.base/sun.nio.fs=ALL-UNNAMED ("
                        + e + ")";
                cause = e;
                asBytes = null;
                newPath = null;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                failure = "raw file names are not reachable in this JVM (" + e
                        + "); run a Linux JDK 17+ with --add-opens java.base/sun.nio.fs=ALL-UNNAMED";
                cause = e;
                asBytes = null;
                newPath = null;
            }
            AS_BYTES = asBytes;
            NEW_PATH = newPath;
            UNIX_PATH = unixPath;
            FAILURE = failure;
            CAUSE = cause;
        }

        static FatalException unavailable() {
            return new FatalException(ErrorCode.UNSUPPORTED, FAILURE, CAUSE);
        }
    }

    /**
     * The path's internal byte array, not a copy: callers in this package must not modify it. Empty
     * for the empty path.
     */
    static byte[] rawView(Path p) {
        MethodHandle h = Handles.AS_BYTES;
        if (h == null) {
            throw Handles.unavailable();
        }
        if (!Handles.UNIX_PATH.isInstance(p)) {
            throw new FatalException(ErrorCode.UNSUPPORTED,
                    "not a path of the default (Unix) file system: " + p + " (" + p.getClass().getName() + ")");
        }
        try {
            return (byte[]) h.invokeExact(p);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot read the bytes of a path", t);
        }
    }

    /** The raw bytes of a path (a copy). */
    public static byte[] bytes(Path p) {
        return rawView(p).clone();
    }

    /**
     * A path from raw bytes, lossless. The bytes are normalized as {@code Path.of} does (repeated
     * '/' collapsed, a trailing '/' dropped); a NUL byte, which no kernel path can hold, is refused
     * with a FatalException (UNSAFE_PATH).
     */
    public static Path of(byte[] raw) {
        MethodHandle h = Handles.NEW_PATH;
        if (h == null) {
            throw Handles.unavailable();
        }
        byte[] norm = normalize(raw);
        try {
            return (Path) h.invokeExact(norm);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot build a path from bytes", t);
        }
    }

    /** A normalized copy: no NUL, no "//", no trailing '/' except for "/" itself. */
    private static byte[] normalize(byte[] raw) {
        int n = raw.length;
        int out = 0;
        byte[] res = new byte[n];
        byte prev = 0;
        for (int i = 0; i < n; i++) {
            byte b = raw[i];
            if (b == 0) {
                throw new FatalException(ErrorCode.UNSAFE_PATH, "path holds a NUL byte: \"" + display(raw) + "\"");
            }
            if (b == SLASH && prev == SLASH) {
                continue;
            }
            res[out++] = b;
            prev = b;
        }
        if (out > 1 && res[out - 1] == SLASH) {
            out--;
        }
        return out == n ? res : Arrays.copyOf(res, out);
    }

    /** Raw bytes of the last name of a path (empty for "/" and for the empty path). */
    public static byte[] fileName(Path p) {
        byte[] b = rawView(p);
        int end = b.length;
        int slash = end - 1;
        while (slash >= 0 && b[slash] != SLASH) {
            slash--;
        }
        return Arrays.copyOfRange(b, slash + 1, end);
    }

    /**
     * {@code dir/name}, after {@link #checkName}: a name from a manifest can never climb out of
     * {@code dir}.
     */
    public static Path resolve(Path dir, byte[] name) {
        checkName(name);
        return dir.resolve(of(name));
    }

    /** {@code a/b} from two relative raw paths; either may be empty. */
    public static byte[] join(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b.clone();
        }
        if (b.length == 0) {
            return a.clone();
        }
        boolean slash = a[a.length - 1] != SLASH;
        byte[] r = new byte[a.length + (slash ? 1 : 0) + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        if (slash) {
            r[a.length] = SLASH;
        }
        System.arraycopy(b, 0, r, r.length - b.length, b.length);
        return r;
    }

    /**
     * Refuses (with a FatalException, code UNSAFE_PATH) a name that is empty, "." or "..", or holds
     * '/' or NUL.
     */
    public static void checkName(byte[] name) {
        String why = null;
        int n = name.length;
        if (n == 0) {
            why = "empty name";
        } else if (name[0] == '.' && (n == 1 || (n == 2 && name[1] == '.'))) {
            why = "\".\" and \"..\" are not names";
        } else {
            for (byte b : name) {
                if (b == SLASH) {
                    why = "a name may not hold '/'";
                    break;
                }
                if (b == 0) {
                    why = "a name may not hold a NUL byte";
                    break;
                }
            }
        }
        if (why != null) {
            throw new FatalException(ErrorCode.UNSAFE_PATH, "unsafe file name \"" + display(name) + "\": " + why);
        }
    }

    /** {@link #display(byte[])} of a path's raw bytes. */
    public static String display(Path p) {
        return display(rawView(p));
    }

    /**
     * A printable form for messages and logs: valid UTF-8 as is, other bytes as \xNN, controls
     * escaped.
     *
     * <p>Exactly: bytes that are not part of a well-formed UTF-8 sequence (stray continuation bytes,
     * truncated sequences, overlong forms, surrogates, code points above U+10FFFF) become
     * {@code \xNN} (lower-case hex); the C0 controls become {@code \n}, {@code \t}, {@code \r} or
     * {@code \xNN}, DEL becomes {@code \x7f}; the C1 controls U+0080..U+009F, the line and paragraph
     * separators U+2028/U+2029 and the bidirectional overrides U+202A..U+202E and U+2066..U+2069
     * become {@code \\uXXXX}; a backslash is doubled, so the form is unambiguous.
     */
    public static String display(byte[] raw) {
        StringBuilder sb = new StringBuilder(raw.length + 8);
        int i = 0;
        int n = raw.length;
        while (i < n) {
            int b = raw[i] & 0xff;
            if (b < 0x80) {
                if (b == '\\') {
                    sb.append("\\\\");
                } else if (b == '\n') {
                    sb.append("\\n");
                } else if (b == '\t') {
                    sb.append("\\t");
                } else if (b == '\r') {
                    sb.append("\\r");
                } else if (b < 0x20 || b == 0x7f) {
                    hexByte(sb, b);
                } else {
                    sb.append((char) b);
                }
                i++;
                continue;
            }
            int len;
            int cp;
            int lo = 0x80;
            int hi = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                len = 2;
                cp = b & 0x1f;
            } else if (b >= 0xe0 && b <= 0xef) {
                len = 3;
                cp = b & 0x0f;
                if (b == 0xe0) {
                    lo = 0xa0; // no overlong
                } else if (b == 0xed) {
                    hi = 0x9f; // no surrogates
                }
            } else if (b >= 0xf0 && b <= 0xf4) {
                len = 4;
                cp = b & 0x07;
                if (b == 0xf0) {
                    lo = 0x90; // no overlong
                } else if (b == 0xf4) {
                    hi = 0x8f; // <= U+10FFFF
                }
            } else {
                hexByte(sb, b);
                i++;
                continue;
            }
            boolean ok = i + len <= n;
            for (int k = 1; ok && k < len; k++) {
                int c = raw[i + k] & 0xff;
                int l = k == 1 ? lo : 0x80;
                int h = k == 1 ? hi : 0xbf;
                if (c < l || c > h) {
                    ok = false;
                } else {
                    cp = (cp << 6) | (c & 0x3f);
                }
            }
            if (!ok) {
                hexByte(sb, b);
                i++;
                continue;
            }
            if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e)
                    || (cp >= 0x2066 && cp <= 0x2069)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
            i += len;
        }
        return sb.toString();
    }

    private static void hexByte(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /** The last name of a relative raw path ({@code a/b/c} gives {@code c}). */
    public static byte[] base(byte[] rel) {
        for (int i = rel.length - 1; i >= 0; i--) {
            if (rel[i] == '/') {
                return Arrays.copyOfRange(rel, i + 1, rel.length);
            }
        }
        return rel;
    }

    /** The directory of a relative raw path ({@code a/b/c} gives {@code a/b}; a single name gives empty). */
    public static byte[] parent(byte[] rel) {
        for (int i = rel.length - 1; i >= 0; i--) {
            if (rel[i] == '/') {
                return Arrays.copyOf(rel, i);
            }
        }
        return new byte[0];
    }

    /** The names of a relative raw path; '.' and empty components dropped, '..' and NUL refused. */
    public static List<byte[]> splitRelative(byte[] path) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                byte[] c = Arrays.copyOfRange(path, start, i);
                start = i + 1;
                if (c.length == 0 || (c.length == 1 && c[0] == '.')) {
                    continue;
                }
                try {
                    checkName(c);
                } catch (FatalException e) {
                    throw new FatalException(ErrorCode.INVALID_ARGUMENT, "path \"" + display(path)
                            + "\": " + e.getMessage(), e);
                }
                out.add(c);
            }
        }
        return out;
    }
}
