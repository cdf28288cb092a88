package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.scanner.ChangedDirs;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.JobStarted;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A job's changed directories go into its record and its root task, sorted; past the cap, a full walk. */
class BackupJobTest {
    private static final byte[] ROOT = "/src".getBytes(StandardCharsets.UTF_8);

    private static BackupJob job(List<byte[]> changed) {
        return new BackupJob(ROOT, List.of(), List.of(), "h", "u", null, false, 1L, 0L, changed);
    }

    private static List<String> text(List<ByteBuffer> dirs) {
        return dirs == null ? null : dirs.stream().map(b -> new String(Buffers.of(b), StandardCharsets.UTF_8)).toList();
    }

    private static List<byte[]> bytes(String... dirs) {
        List<byte[]> out = new ArrayList<>();
        for (String d : dirs) {
            out.add(d.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void theRecordAndTheRootTaskCarryTheChangedDirectories() {
        BackupJob narrowed = job(bytes("b", "a/c", "b"));
        JobStarted started = narrowed.started("j", "i", Optional.empty());
        DirTask root = narrowed.rootTask("j", Optional.empty());
        assertEquals(List.of("a/c", "b"), text(started.getChangedDirs()), "sorted, once each");
        assertEquals(List.of("a/c", "b"), text(root.getChangedDirs()));

        BackupJob full = new BackupJob(ROOT, List.of(), List.of(), "h", "u", null, false, 1L, 0L);
        assertNull(full.started("j", "i", Optional.empty()).getChangedDirs(), "null: a full walk");
        assertNull(full.rootTask("j", Optional.empty()).getChangedDirs());
        assertEquals(List.of(), text(job(List.of()).rootTask("j", Optional.empty()).getChangedDirs()),
                "nothing changed: nothing is listed");
    }

    @Test
    void pastTheCapTheJobWalksEverything() {
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i <= ChangedDirs.MAX_DIRS; i++) {
            many.add(("d" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertNull(job(many).changedDirs());
        assertNull(job(many).rootTask("j", Optional.empty()).getChangedDirs());
    }

    @Test
    void aMalformedDirectoryIsRefusedBeforeAnyJobStarts() {
        FatalException e = assertThrows(FatalException.class, () -> job(bytes("a", "/abs")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertEquals("changed directory \"/abs\" is not a relative path of names (an empty name)", e.getMessage());
    }
}
