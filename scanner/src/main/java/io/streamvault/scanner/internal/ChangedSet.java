package io.streamvault.scanner.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Questions on a task's changed directories (DirTask {@code changed_dirs}: relative paths, sorted
 * in unsigned byte order, distinct). In that order the paths under {@code d/} are one run (from
 * {@code d/} up to, not including, {@code d0}, '0' being '/' + 1), though not always next to
 * {@code d} itself ({@code d-x} sorts between them).
 */
final class ChangedSet {
    private ChangedSet() {
    }

    /** True when the list is strictly ascending in unsigned byte order (sorted and distinct). */
    static boolean sorted(List<ByteBuffer> dirs) {
        for (int i = 1; i < dirs.size(); i++) {
            if (compare(dirs.get(i - 1), dirs.get(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The members that are {@code rel} or under it, in order: what the task of directory
     * {@code rel} carries. Empty when {@code rel} is neither changed nor an ancestor of a change.
     */
    static List<ByteBuffer> within(List<ByteBuffer> dirs, byte[] rel) {
        if (rel.length == 0) {
            return dirs;
        }
        int self = lowerBound(dirs, rel);
        boolean changed = self < dirs.size() && compare(dirs.get(self), rel) == 0;
        byte[] prefix = new byte[rel.length + 1];
        System.arraycopy(rel, 0, prefix, 0, rel.length);
        prefix[rel.length] = '/';
        int from = lowerBound(dirs, prefix);
        prefix[rel.length] = '/' + 1;
        int to = lowerBound(dirs, prefix);
        if (!changed) {
            return List.copyOf(dirs.subList(from, to));
        }
        List<ByteBuffer> out = new ArrayList<>(1 + to - from);
        out.add(dirs.get(self));
        out.addAll(dirs.subList(from, to));
        return List.copyOf(out);
    }

    /** The index of the first member not below {@code key}. */
    private static int lowerBound(List<ByteBuffer> dirs, byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        int lo = 0;
        int hi = dirs.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(dirs.get(mid), k) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int compare(ByteBuffer a, byte[] b) {
        return compare(a, ByteBuffer.wrap(b));
    }

    /** Unsigned byte order of the remaining bytes (ByteBuffer's own compareTo is signed). */
    static int compare(ByteBuffer a, ByteBuffer b) {
        int i = a.mismatch(b);
        if (i < 0) {
            return 0;
        }
        if (i >= a.remaining() || i >= b.remaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        return Integer.compare(a.get(a.position() + i) & 0xff, b.get(b.position() + i) & 0xff);
    }
}
