package io.streamvault.common.fs;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A glob over raw paths, matched against an entry's path relative to the backed-up directory,
 * component by component: the syntax of {@code restore --include/--exclude} and of
 * {@code backup --exclude}.
 *
 * <ul>
 *   <li>{@code *} matches any run of characters within one name, {@code ?} one character,
 *       {@code [abc]}, {@code [a-z]}, {@code [!a-z]} (or {@code [^a-z]}) one character of a class,
 *       {@code \c} the character c itself;
 *   <li>{@code **} as a whole component matches zero or more names;
 *   <li>a glob without '/' matches the last name of a path at any depth ({@code *.log}); a glob with
 *       '/' matches the whole relative path ({@code data/2024/*}); a leading '/' anchors a glob at
 *       the root ({@code /cache} matches only the top-level cache, where {@code cache} matches
 *       one at any depth) and changes nothing in a glob that has a '/' already; a trailing '/' is
 *       ignored.
 * </ul>
 *
 * Names are bytes: a valid UTF-8 sequence is one character; a byte that is not part of one is one
 * character that only {@code ?}, {@code *} and negated classes match.
 */
public final class Glob {
    private final String source;
    private final int[][] parts; // components of the pattern, as code points; null element = "**"
    private final boolean basename;

    private Glob(String source, int[][] parts, boolean basename) {
        this.source = source;
        this.parts = parts;
        this.basename = basename;
    }

    public static Glob compile(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "empty glob");
        }
        if (pattern.indexOf('\0') >= 0) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "glob holds a NUL character");
        }
        String p = pattern;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/") && !p.endsWith("\\/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "glob \"" + pattern + "\" names no path");
        }
        boolean anchored = p.indexOf('/') >= 0 || pattern.startsWith("/");
        List<int[]> parts = new ArrayList<>();
        for (String c : p.split("/+", -1)) {
            if (c.equals("**")) {
                parts.add(null);
            } else {
                int[] cps = c.codePoints().toArray();
                checkClasses(cps, pattern);
                parts.add(cps);
            }
        }
        return new Glob(pattern, parts.toArray(new int[0][]), !anchored);
    }

    private static void checkClasses(int[] p, String source) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] == '\\') {
                i++;
            } else if (p[i] == '[' && classEnd(p, i) < 0) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "glob \"" + source + "\" has an unclosed '['");
            }
        }
    }

    @Override
    public String toString() {
        return source;
    }

    /** True when the path (its raw names, root first) matches. */
    public boolean matches(List<byte[]> path) {
        if (path.isEmpty()) {
            return false;
        }
        if (basename) {
            return parts.length == 1 && (parts[0] == null || name(parts[0], units(path.get(path.size() - 1))));
        }
        int[][] names = new int[path.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = units(path.get(i));
        }
        return path(0, names, 0);
    }

    private boolean path(int pi, int[][] names, int ni) {
        if (pi == parts.length) {
            return ni == names.length;
        }
        if (parts[pi] == null) {
            for (int k = ni; k <= names.length; k++) {
                if (path(pi + 1, names, k)) {
                    return true;
                }
            }
            return false;
        }
        return ni < names.length && name(parts[pi], names[ni]) && path(pi + 1, names, ni + 1);
    }

    /** Wildcard match of one name, with backtracking on the last '*'. */
    static boolean name(int[] p, int[] s) {
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = -1;
        while (si < s.length) {
            if (pi < p.length && p[pi] == '*') {
                starP = pi++;
                starS = si;
                continue;
            }
            if (pi < p.length) {
                int step = single(p, pi, s[si]);
                if (step > 0) {
                    pi += step;
                    si++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            pi = starP + 1;
            si = ++starS;
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }

    /** Length of the pattern element at pi when it matches character c, else 0. */
    private static int single(int[] p, int pi, int c) {
        int x = p[pi];
        if (x == '?') {
            return 1;
        }
        if (x == '\\' && pi + 1 < p.length) {
            return p[pi + 1] == c ? 2 : 0;
        }
        if (x == '[') {
            int end = classEnd(p, pi);
            int i = pi + 1;
            boolean neg = i < end && (p[i] == '!' || p[i] == '^');
            if (neg) {
                i++;
            }
            boolean hit = false;
            while (i < end) {
                int lo = p[i];
                if (lo == '\\' && i + 1 < end) {
                    lo = p[++i];
                }
                int hi = lo;
                if (i + 2 < end && p[i + 1] == '-') {
                    hi = p[i + 2];
                    if (hi == '\\' && i + 3 < end) {
                        hi = p[i + 3];
                        i++;
                    }
                    i += 2;
                }
                if (c >= lo && c <= hi && c <= Character.MAX_CODE_POINT) {
                    hit = true;
                }
                i++;
            }
            return hit != neg ? end - pi + 1 : 0;
        }
        return x == c ? 1 : 0;
    }

    /** Index of the ']' closing the class opened at pi, or -1. A ']' right after '[' or '[!' is literal. */
    private static int classEnd(int[] p, int pi) {
        int i = pi + 1;
        if (i < p.length && (p[i] == '!' || p[i] == '^')) {
            i++;
        }
        if (i < p.length && p[i] == ']') {
            i++;
        }
        for (; i < p.length; i++) {
            if (p[i] == '\\') {
                i++;
            } else if (p[i] == ']') {
                return i;
            }
        }
        return -1;
    }

    /** Characters of a raw name: code points of valid UTF-8, and 0x110000 + byte for any other byte. */
    static int[] units(byte[] name) {
        int[] out = new int[name.length];
        int n = 0;
        int i = 0;
        while (i < name.length) {
            int b = name[i] & 0xff;
            int len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
            if (len > 1 && i + len <= name.length) {
                String s = new String(name, i, len, StandardCharsets.UTF_8);
                int cp = s.codePointAt(0);
                if (cp != 0xfffd && Character.charCount(cp) == s.length()) {
                    out[n++] = cp;
                    i += len;
                    continue;
                }
            }
            out[n++] = len == 1 ? b : 0x110000 + b;
            i++;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
