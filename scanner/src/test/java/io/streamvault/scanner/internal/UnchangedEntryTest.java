package io.streamvault.scanner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scanner's per-entry decision, {@link ScanHandler#unchanged}: an entry is taken from the parent
 * snapshot without being read when its lstat matches the parent's record in type, size, mtime and
 * ctime (to the ns), inode and mode, and the parent stored it whole.
 */
class UnchangedEntryTest {
    private static final byte[] NAME = "report.txt".getBytes(StandardCharsets.UTF_8);
    private static final BlobId CHUNK = BlobId.of(filled(0x5a));
    private static final FileMeta NOW = new FileMeta(FileKind.FILE, 0644, 1000, 1000, 12_345,
            1_700_000_000_123_456_789L, 1_700_000_500_000_000_000L, 1_700_000_000_987_654_321L, 4242, 2049, 1, 0);

    /** The stat fields the rule compares. */
    enum Field { TYPE, SIZE, MTIME, CTIME, INODE, MODE }

    private static byte[] filled(int b) {
        byte[] x = new byte[BlobId.LENGTH];
        Arrays.fill(x, (byte) b);
        return x;
    }

    /** The parent's record of an entry whose stat was {@code m}, as the catalog stores it. */
    private static Node record(FileMeta m) {
        boolean sized = m.kind() == FileKind.FILE || m.kind() == FileKind.SYMLINK;
        return new Node(NAME, m.kind(), m.mode(), m.uid(), m.gid(), sized ? m.size() : 0, m.mtimeNs(), m.atimeNs(),
                m.ctimeNs(), m.inode(), m.dev(), m.nlink(), m.rdev(),
                m.kind() == FileKind.SYMLINK ? "target".getBytes(StandardCharsets.UTF_8) : null, List.of(),
                m.kind() == FileKind.FILE ? List.of(CHUNK) : List.of(), null, null, false);
    }

    /** The same entry with one field one step off. */
    private static FileMeta changed(FileMeta m, Field f) {
        return new FileMeta(f == Field.TYPE ? FileKind.SYMLINK : m.kind(), f == Field.MODE ? m.mode() ^ 0100 : m.mode(),
                m.uid(), m.gid(), f == Field.SIZE ? m.size() + 1 : m.size(), f == Field.MTIME ? m.mtimeNs() + 1 : m.mtimeNs(),
                m.atimeNs(), f == Field.CTIME ? m.ctimeNs() + 1 : m.ctimeNs(), f == Field.INODE ? m.inode() + 1 : m.inode(),
                m.dev(), m.nlink(), m.rdev());
    }

    @Test
    void anEntryWhoseStatMatchesItsRecordIsUnchanged() {
        assertTrue(ScanHandler.unchanged(record(NOW), NOW));
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void anyComparedFieldThatDiffersByOneMakesItChanged(Field f) {
        FileMeta now = changed(NOW, f);
        assertFalse(ScanHandler.unchanged(record(NOW), now), "the entry now differs in " + f);
        assertFalse(ScanHandler.unchanged(record(now), NOW), "the record differs in " + f);
    }

    @Test
    void withoutAParentRecordNothingIsUnchanged() {
        assertFalse(ScanHandler.unchanged(null, NOW));
    }

    @Test
    void aRecordThatWasNotStoredWholeIsNeverReused() {
        Node r = record(NOW);
        Node failed = new Node(r.name(), r.type(), r.mode(), r.uid(), r.gid(), r.size(), r.mtimeNs(), r.atimeNs(),
                r.ctimeNs(), r.inode(), r.dev(), r.nlink(), r.rdev(), r.linkTarget(), r.xattrs(), List.of(), null,
                "permission denied", false);
        Node moving = new Node(r.name(), r.type(), r.mode(), r.uid(), r.gid(), r.size(), r.mtimeNs(), r.atimeNs(),
                r.ctimeNs(), r.inode(), r.dev(), r.nlink(), r.rdev(), r.linkTarget(), r.xattrs(), r.content(), null,
                null, true);
        assertFalse(ScanHandler.unchanged(failed, NOW), "the parent could not read it");
        assertFalse(ScanHandler.unchanged(moving, NOW), "it changed while the parent read it");
    }

    @Test
    void aSymlinkIsUnchangedOnlyWithItsRecordedTarget() {
        FileMeta link = new FileMeta(FileKind.SYMLINK, 0777, 0, 0, 6, 10, 20, 30, 40, 50, 1, 0);
        Node r = record(link);
        Node noTarget = new Node(r.name(), r.type(), r.mode(), r.uid(), r.gid(), r.size(), r.mtimeNs(), r.atimeNs(),
                r.ctimeNs(), r.inode(), r.dev(), r.nlink(), r.rdev(), null, r.xattrs(), r.content(), null, null, false);
        assertTrue(ScanHandler.unchanged(r, link));
        assertFalse(ScanHandler.unchanged(noTarget, link), "its target would have to be read");
    }

    @Test
    void fieldsOutsideTheRuleDoNotCount() {
        // Reading a file moves its atime; the device is the directory rule's concern; a directory's
        // size (its listing's bytes) is recorded as 0, so only files and symlinks compare it.
        FileMeta read = new FileMeta(NOW.kind(), NOW.mode(), NOW.uid(), NOW.gid(), NOW.size(), NOW.mtimeNs(),
                NOW.atimeNs() + 1_000_000_000L, NOW.ctimeNs(), NOW.inode(), NOW.dev() + 1, NOW.nlink(), NOW.rdev());
        assertTrue(ScanHandler.unchanged(record(NOW), read));
        FileMeta dir = new FileMeta(FileKind.DIR, 0755, 0, 0, 4096, 1, 2, 3, 4, 5, 2, 0);
        assertEquals(0, record(dir).size());
        assertTrue(ScanHandler.unchanged(record(dir), dir));
    }

    @Test
    void anEntryReadAgainIsNewUnlessItsRecordHasTheSameType() {
        NodeRecord file = Metadata.failed(NAME, NodeType.FILE, "x");
        assertEquals(FileOrigin.NEW, ScanHandler.origin(null, file), "no record");
        assertEquals(FileOrigin.NEW, ScanHandler.origin(record(changed(NOW, Field.TYPE)), file), "a symlink before");
        assertEquals(FileOrigin.CHANGED, ScanHandler.origin(record(changed(NOW, Field.MTIME)), file));
    }
}
