package io.streamvault.scanner.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.nio.ByteBuffer;

/**
 * Parses what read(2) returns on a fanotify descriptor of a FAN_REPORT_DFID_NAME group: struct
 * fanotify_event_metadata (event_len u32, vers u8, reserved u8, metadata_len u16, mask u64, fd s32,
 * pid s32), then info records (info_type u8, pad u8, len u16) of which the directory ones carry the
 * fsid (8 bytes), a struct file_handle (handle_bytes u32, handle_type s32, f_handle) and, for
 * DFID_NAME, a NUL-terminated name ("." for the directory itself). Native byte order.
 */
final class FanotifyEvents {
    private static final int METADATA = 24;

    /** Receives the parsed events. */
    interface Sink {
        /** The kernel's queue overflowed: events were lost. */
        void overflow();

        /**
         * An event in a directory: {@code handle} is its struct file_handle; {@code name} the entry
         * it is about, or null when it is about the directory itself.
         */
        void event(long mask, long fsid, byte[] handle, byte[] name);
    }

    private FanotifyEvents() {
    }

    /** Every event from the buffer's position to its limit; closes any event descriptor. */
    static void parse(ByteBuffer b, Sink sink) {
        while (b.remaining() >= METADATA) {
            int at = b.position();
            int eventLen = b.getInt(at);
            int version = b.get(at + 4) & 0xff;
            int metadataLen = b.getShort(at + 6) & 0xffff;
            long mask = b.getLong(at + 8);
            int fd = b.getInt(at + 16);
            if (version != FanotifyCalls.FANOTIFY_METADATA_VERSION) {
                throw malformed("event format version " + version + ", expected "
                        + FanotifyCalls.FANOTIFY_METADATA_VERSION);
            }
            if (eventLen < METADATA || metadataLen < METADATA || metadataLen > eventLen || eventLen > b.remaining()) {
                throw malformed("event of " + eventLen + " bytes (metadata " + metadataLen + ") with " + b.remaining()
                        + " bytes left");
            }
            if (fd >= 0) {
                FanotifyCalls.close(fd); // not opened in a FID group; never leaked if it were
            }
            if ((mask & FanotifyCalls.FAN_Q_OVERFLOW) != 0) {
                sink.overflow();
            }
            infos(b, at + metadataLen, at + eventLen, mask, sink);
            b.position(at + eventLen);
        }
    }

    private static void infos(ByteBuffer b, int from, int end, long mask, Sink sink) {
        int at = from;
        while (at + 4 <= end) {
            int type = b.get(at) & 0xff;
            int len = b.getShort(at + 2) & 0xffff;
            if (len < 4 || at + len > end) {
                throw malformed("info record of " + len + " bytes with " + (end - at) + " bytes left");
            }
            if (type == FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID_NAME || type == FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID
                    || type == FanotifyCalls.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME
                    || type == FanotifyCalls.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME) {
                dirRecord(b, at, at + len, type != FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID, mask, sink);
            }
            at += len;
        }
    }

    private static void dirRecord(ByteBuffer b, int at, int end, boolean named, long mask, Sink sink) {
        if (at + 20 > end) {
            throw malformed("directory record of " + (end - at) + " bytes");
        }
        long fsid = b.getLong(at + 4);
        int handleBytes = b.getInt(at + 12);
        int handleEnd = at + 20 + handleBytes;
        if (handleBytes < 0 || handleEnd > end) {
            throw malformed("file handle of " + handleBytes + " bytes in a record of " + (end - at));
        }
        byte[] handle = new byte[8 + handleBytes];
        b.get(at + 12, handle);
        byte[] name = null;
        if (named) {
            int n = handleEnd;
            while (n < end && b.get(n) != 0) {
                n++;
            }
            if (n > handleEnd && !(n == handleEnd + 1 && b.get(handleEnd) == '.')) {
                name = new byte[n - handleEnd];
                b.get(handleEnd, name);
            }
        }
        sink.event(mask, fsid, handle, name);
    }

    private static FatalException malformed(String what) {
        return new FatalException(ErrorCode.INTERNAL, "unexpected fanotify data: " + what);
    }
}
