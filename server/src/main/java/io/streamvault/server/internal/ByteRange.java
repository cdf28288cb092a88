package io.streamvault.server.internal;

/**
 * The one byte range of a {@code Range} header, {@code first} to {@code last} inclusive; or
 * {@link #UNSATISFIABLE} when it lies outside the file.
 */
record ByteRange(long first, long last) {
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    boolean satisfiable() {
        return first >= 0;
    }

    long length() {
        return last - first + 1;
    }

    /**
     * The range a {@code Range} header asks of a file of {@code size} bytes; null to send the whole
     * file (no header, a malformed one, or several ranges: RFC 9110 allows ignoring).
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String v = header.trim();
        if (!v.regionMatches(true, 0, "bytes=", 0, 6) || v.indexOf(',') >= 0) {
            return null;
        }
        v = v.substring(6).trim();
        int dash = v.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = v.substring(0, dash).trim();
        String b = v.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = Long.parseLong(b);
                if (n < 0) {
                    return null;
                }
                if (n == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(Math.max(0, size - n), size - 1);
            }
            long s = Long.parseLong(a);
            long e = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (s < 0 || e < s) {
                return null;
            }
            if (s >= size) {
                return UNSATISFIABLE;
            }
            return new ByteRange(s, Math.min(e, size - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
