package io.streamvault.scanner.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two formats the fanotify feed reads from the kernel: fanotify events and /proc/self/mountinfo. */
class ChangeFeedParsingTest {
    private static final long FSID = 0x1122334455667788L;
    private static final byte[] FH = {1, 2, 3, 4, 5, 6, 7, 8}; // f_handle, 8 bytes as ext4 gives
    private static final int FH_TYPE = 0x81;

    record Seen(long mask, long fsid, byte[] handle, byte[] name) {
    }

    /** Collects what the parser hands on. */
    static final class Collect implements FanotifyEvents.Sink {
        int overflows;
        final List<Seen> events = new ArrayList<>();

        @Override
        public void overflow() {
            overflows++;
        }

        @Override
        public void event(long mask, long fsid, byte[] handle, byte[] name) {
            events.add(new Seen(mask, fsid, handle, name));
        }
    }

    /** A directory info record: header, fsid, struct file_handle, then the name and its NUL if any. */
    static byte[] dirRecord(int type, String name) {
        byte[] n = name == null ? new byte[0] : (name + "\0").getBytes(StandardCharsets.UTF_8);
        int len = 4 + 8 + 8 + FH.length + n.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.put((byte) type).put((byte) 0).putShort((short) len).putLong(FSID).putInt(FH.length).putInt(FH_TYPE).put(FH).put(n);
        return b.array();
    }

    /** An event: struct fanotify_event_metadata (version 3, fd FAN_NOFD) and its records. */
    static byte[] event(int version, long mask, byte[]... records) {
        int len = 24;
        for (byte[] r : records) {
            len += r.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).put((byte) version).put((byte) 0).putShort((short) 24).putLong(mask).putInt(-1).putInt(4242);
        for (byte[] r : records) {
            b.put(r);
        }
        return b.array();
    }

    static Collect parse(byte[]... events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : events) {
            out.writeBytes(e);
        }
        Collect c = new Collect();
        FanotifyEvents.parse(ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.nativeOrder()), c);
        return c;
    }

    @Test
    void eventsGiveTheirDirectoryHandleAndEntryName() {
        long create = FanotifyCalls.FAN_CREATE | FanotifyCalls.FAN_ONDIR;
        Collect c = parse(
                event(3, create, dirRecord(FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID_NAME, "new dir")),
                event(3, FanotifyCalls.FAN_Q_OVERFLOW),
                event(3, FanotifyCalls.FAN_ATTRIB | FanotifyCalls.FAN_ONDIR,
                        dirRecord(FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID_NAME, ".")),
                event(3, FanotifyCalls.FAN_DELETE_SELF | FanotifyCalls.FAN_ONDIR,
                        dirRecord(FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID, null)));
        assertEquals(1, c.overflows);
        assertEquals(3, c.events.size());
        Seen first = c.events.get(0);
        assertEquals(create, first.mask());
        assertEquals(FSID, first.fsid());
        ByteBuffer handle = ByteBuffer.wrap(first.handle()).order(ByteOrder.nativeOrder());
        assertEquals(FH.length, handle.getInt());
        assertEquals(FH_TYPE, handle.getInt());
        byte[] fh = new byte[FH.length];
        handle.get(fh);
        assertArrayEquals(FH, fh);
        assertArrayEquals("new dir".getBytes(StandardCharsets.UTF_8), first.name());
        assertNull(c.events.get(1).name(), "\".\" is the directory itself");
        assertNull(c.events.get(2).name(), "a DFID record has no name");
    }

    @Test
    void malformedEventsAreRefused() {
        byte[] good = event(3, FanotifyCalls.FAN_MODIFY, dirRecord(FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID_NAME, "f"));
        FatalException version = assertThrows(FatalException.class,
                () -> parse(event(4, FanotifyCalls.FAN_MODIFY)));
        assertEquals(ErrorCode.INTERNAL, version.code());
        assertTrue(version.getMessage().contains("version 4"), version.getMessage());

        byte[] cut = new byte[good.length - 3];
        System.arraycopy(good, 0, cut, 0, cut.length);
        assertEquals(ErrorCode.INTERNAL, assertThrows(FatalException.class, () -> parse(cut)).code());

        byte[] record = dirRecord(FanotifyCalls.FAN_EVENT_INFO_TYPE_DFID_NAME, "f");
        ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()).putInt(12, 4096); // handle_bytes past the record
        assertEquals(ErrorCode.INTERNAL,
                assertThrows(FatalException.class, () -> parse(event(3, FanotifyCalls.FAN_MODIFY, record))).code());
    }

    @Test
    void mountsUnderTheRootAreFoundWithEscapedNames() {
        String info = String.join("\n",
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw",
                "30 22 8:2 / /data/root rw - xfs /dev/vdb rw",
                "31 30 0:40 / /data/root/scratch\\040space rw - tmpfs tmpfs rw",
                "32 30 8:3 / /data/root/a/deep rw - ext4 /dev/vdc rw",
                "33 22 8:4 / /data/root2 rw - ext4 /dev/vdd rw",
                "34 31 0:41 / /data/root/scratch\\040space/nested rw - tmpfs tmpfs rw",
                "35 30 8:3 /sub /data/root/a/deep rw - ext4 /dev/vdc rw",
                "");
        List<Path> found = Mounts.under(Path.of("/data/root"), info.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(Path.of("/data/root/a/deep"), Path.of("/data/root/scratch space"),
                Path.of("/data/root/scratch space/nested")), found);
        byte[] latin1 = "36 22 8:5 / /data/root/caf\\351 rw - ext4 /dev/vde rw\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals("/data/root/caf\u00e9".getBytes(StandardCharsets.ISO_8859_1),
                RawPaths.bytes(Mounts.under(Path.of("/data/root"), latin1).get(0)));
    }
}
