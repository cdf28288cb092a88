package io.streamvault.catalog.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of one entry of a job in the entries store: {@code job NUL dir NUL name NUL part(4, BE)}.
 * Paths never contain NUL, so the parts are unambiguous, and in byte order every directory's
 * entries are contiguous and sort before those of all its descendants: iterating a job's keys in
 * reverse visits every directory after all of its subdirectories, which is the order trees are
 * built in.
 */
public record EntryKey(byte[] dir, byte[] name, int part) {
    /**
     * The part of a batch's key (see {@link EntryStore}): above every real part, so a batch keyed by a
     * name comes before a single entry of that name in reverse order.
     */
    public static final int BATCH = -1;

    public static Bytes of(String job, byte[] dir, byte[] name, int part) {
        byte[] j = job.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(j.length + 1 + dir.length + 1 + name.length + 1 + 4);
        b.put(j).put((byte) 0).put(dir).put((byte) 0).put(name).put((byte) 0).putInt(part);
        return Bytes.wrap(b.array());
    }

    /** A key greater than every key of the entries of directory {@code dir}, and less than its subdirectories' keys. */
    public static Bytes dirEnd(String job, byte[] dir) {
        byte[] j = job.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(j.length + 1 + dir.length + 1);
        b.put(j).put((byte) 0).put(dir).put((byte) 1);
        return Bytes.wrap(b.array());
    }

    /** First key of a job. */
    public static Bytes jobStart(String job) {
        byte[] j = job.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(Arrays.copyOf(j, j.length + 1));
    }

    /** A key greater than every key of the job. */
    public static Bytes jobEnd(String job) {
        byte[] j = job.getBytes(StandardCharsets.UTF_8);
        byte[] k = Arrays.copyOf(j, j.length + 1);
        k[j.length] = 1;
        return Bytes.wrap(k);
    }

    public static EntryKey parse(String job, Bytes key) {
        byte[] k = key.get();
        int start = job.getBytes(StandardCharsets.UTF_8).length + 1;
        int dirEnd = indexOf(k, start);
        int nameEnd = indexOf(k, dirEnd + 1);
        byte[] dir = Arrays.copyOfRange(k, start, dirEnd);
        byte[] name = Arrays.copyOfRange(k, dirEnd + 1, nameEnd);
        int part = ByteBuffer.wrap(k, nameEnd + 1, 4).getInt();
        return new EntryKey(dir, name, part);
    }

    private static int indexOf(byte[] k, int from) {
        for (int i = from; i < k.length; i++) {
            if (k[i] == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed entry key");
    }
}
