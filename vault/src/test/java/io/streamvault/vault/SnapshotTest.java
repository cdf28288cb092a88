package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.util.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest extends VaultTestSupport {
    static final BlobId TREE = BlobId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    static Snapshot snapshot(long timeNs, String parent) {
        Map<String, Long> summary = new HashMap<>();
        summary.put("files_new", 10L);
        summary.put("bytes_added", 1L << 40);
        summary.put("files_unmodified", 0L);
        return new Snapshot(1, timeNs, timeNs + 5_000_000_000L, TREE,
                new byte[] {'/', 'd', 'a', 't', 'a', '\n', (byte) 0xff}, "node-1", "alice", List.of("daily", "x"),
                parent, "job-7", true, List.of("could not read /data/x: permission denied"), 3, summary);
    }

    @Test
    void writingTheSameSnapshotTwiceGivesOneObject() {
        Snapshot s = snapshot(1_700_000_000_000_000_001L, null);
        String id = vault.writeSnapshot(s);
        assertEquals(id, vault.writeSnapshot(s));
        assertEquals(id, vault.writeSnapshot(snapshot(1_700_000_000_000_000_001L, null)), "equal content, equal id");
        assertEquals(List.of("snapshots/" + id), storage.list("snapshots/").stream().map(ObjectInfo::name).toList());
        try (Vault reopened = Vault.open(storage, PASSWORD)) {
            assertEquals(id, reopened.writeSnapshot(s), "deterministic across processes too");
        }
        assertNotEquals(id, vault.writeSnapshot(snapshot(1_700_000_000_000_000_002L, null)));
    }

    @Test
    void idIsTheHashOfTheStoredBytes() throws Exception {
        String id = vault.writeSnapshot(snapshot(5, null));
        assertEquals(id, Hex.of(MessageDigest.getInstance("SHA-256").digest(read("snapshots/" + id))));
        assertTrue(!new String(read("snapshots/" + id), StandardCharsets.ISO_8859_1).contains("alice"), "encrypted");
    }

    @Test
    void roundTrip() {
        String parent = vault.writeSnapshot(snapshot(1, null));
        Snapshot s = snapshot(1_700_000_000_123_456_789L, parent);
        String id = vault.writeSnapshot(s);
        SnapshotRef ref = vault.loadSnapshot(id);
        assertEquals(id, ref.id());
        Snapshot got = ref.snapshot();
        assertEquals(s.version(), got.version());
        assertEquals(s.timeNs(), got.timeNs());
        assertEquals(s.endTimeNs(), got.endTimeNs());
        assertEquals(s.tree(), got.tree());
        assertArrayEquals(s.path(), got.path());
        assertEquals(s.hostname(), got.hostname());
        assertEquals(s.username(), got.username());
        assertEquals(s.tags(), got.tags());
        assertEquals(parent, got.parent());
        assertEquals(s.job(), got.job());
        assertEquals(s.incomplete(), got.incomplete());
        assertEquals(s.warnings(), got.warnings());
        assertEquals(s.warningsTotal(), got.warningsTotal());
        assertEquals(s.summary(), got.summary());
        assertEquals(id, vault.writeSnapshot(got), "a loaded snapshot written again is the same object");

        Snapshot bare = new Snapshot(1, -1, 0, TREE, new byte[0], null, null, null, null, null, false, null, 0, null);
        Snapshot back = vault.loadSnapshot(vault.writeSnapshot(bare)).snapshot();
        assertNull(back.hostname());
        assertNull(back.parent());
        assertEquals(List.of(), back.tags());
        assertEquals(Map.of(), back.summary());
        assertEquals(-1, back.timeNs());
    }

    @Test
    void badSnapshotsAreRefusedOnWrite() {
        Snapshot s = snapshot(1, "abc");
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> vault.writeSnapshot(s), "abc");
        Snapshot v2 = new Snapshot(2, 1, 1, TREE, new byte[0], null, null, null, null, null, false, null, 0, null);
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> vault.writeSnapshot(v2));
    }

    @Test
    void listOldestFirst() {
        String b = vault.writeSnapshot(snapshot(200, null));
        String a = vault.writeSnapshot(snapshot(100, null));
        String c = vault.writeSnapshot(snapshot(300, null));
        assertEquals(List.of(a, b, c), vault.listSnapshots().stream().map(SnapshotRef::id).toList());
    }

    @Test
    void resolve() {
        assertFails(ErrorCode.SNAPSHOT_NOT_FOUND, () -> vault.resolveSnapshot("latest"), "no snapshots");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(vault.writeSnapshot(snapshot(1000 + (i * 7919L) % 40, null)));
        }
        String latest = vault.listSnapshots().get(39).id();
        assertEquals(ids.get(ids.indexOf(latest)), vault.resolveSnapshot("latest"));
        assertEquals(1039, vault.loadSnapshot("latest").snapshot().timeNs());

        String one = ids.get(0);
        assertEquals(one, vault.resolveSnapshot(one));
        assertEquals(one, vault.resolveSnapshot(one.substring(0, 12)));
        assertEquals(one, vault.resolveSnapshot(one.substring(0, 12).toUpperCase()));
        assertEquals(one, vault.loadSnapshot(one.substring(0, 12)).id());

        // 40 ids over 16 first digits: some digit starts at least three of them
        Map<Character, List<String>> byFirst = new HashMap<>();
        ids.forEach(id -> byFirst.computeIfAbsent(id.charAt(0), k -> new ArrayList<>()).add(id));
        List<String> clash = byFirst.values().stream().filter(l -> l.size() > 1).findFirst().orElseThrow();
        StreamVaultException e = assertFails(ErrorCode.AMBIGUOUS_SNAPSHOT,
                () -> vault.resolveSnapshot(clash.get(0).substring(0, 1)), clash.get(0), clash.get(1));
        assertTrue(e.getMessage().contains("matches " + clash.size()), e.getMessage());

        String absent = "0123456789abcdef".chars().mapToObj(c -> String.valueOf((char) c))
                .filter(d -> !byFirst.containsKey(d.charAt(0))).findFirst().orElse(null);
        if (absent != null) {
            assertFails(ErrorCode.SNAPSHOT_NOT_FOUND, () -> vault.resolveSnapshot(absent), absent);
        }
        assertFails(ErrorCode.SNAPSHOT_NOT_FOUND, () -> vault.resolveSnapshot("zz"), "zz");
        assertFails(ErrorCode.SNAPSHOT_NOT_FOUND, () -> vault.resolveSnapshot(one.substring(0, 63) + "x"));
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> vault.resolveSnapshot(""));
        String missing = one.substring(0, 60) + (one.endsWith("0000") ? "1111" : "0000");
        assertFails(ErrorCode.SNAPSHOT_NOT_FOUND, () -> vault.loadSnapshot(missing), missing.substring(0, 60));
    }

    @Test
    void eachSnapshotObjectIsReadOncePerVault() throws Exception {
        String id = vault.writeSnapshot(snapshot(1, null));
        assertEquals(List.of(id), vault.listSnapshots().stream().map(SnapshotRef::id).toList());
        byte[] bytes = read("snapshots/" + id);
        overwrite("snapshots/" + id, Arrays.copyOf(bytes, bytes.length - 10));
        assertEquals(List.of(id), vault.listSnapshots().stream().map(SnapshotRef::id).toList(),
                "listed again from memory, not read again");
        try (Vault fresh = Vault.open(storage, PASSWORD)) {
            assertFails(ErrorCode.CORRUPT_OBJECT, fresh::listSnapshots, id);
        }
        storage.delete("snapshots/" + id);
        assertEquals(List.of(), vault.listSnapshots(), "the listing still decides which snapshots exist");
    }

    @Test
    void unreadableSnapshotsAreReportedNotHidden() throws Exception {
        String good1 = vault.writeSnapshot(snapshot(1, null));
        String good2 = vault.writeSnapshot(snapshot(2, null));
        String truncated = vault.writeSnapshot(snapshot(3, null));
        byte[] bytes = read("snapshots/" + truncated);
        overwrite("snapshots/" + truncated, Arrays.copyOf(bytes, bytes.length - 10));
        byte[] garbage = "not a snapshot at all, just some bytes!".getBytes(StandardCharsets.UTF_8);
        String garbageId = Hex.of(MessageDigest.getInstance("SHA-256").digest(garbage));
        storage.putIfAbsent("snapshots/" + garbageId, garbage);

        StreamVaultException e = assertFails(ErrorCode.CORRUPT_OBJECT, vault::listSnapshots);
        assertEquals(1, e.getSuppressed().length, "both bad objects are reported");
        String all = e.getMessage() + " " + e.getSuppressed()[0].getMessage();
        assertTrue(all.contains(truncated) && all.contains(garbageId), all);

        List<StreamVaultException> errors = new ArrayList<>();
        List<SnapshotRef> readable = vault.listSnapshots(errors::add);
        assertEquals(List.of(good1, good2), readable.stream().map(SnapshotRef::id).toList());
        assertEquals(2, errors.size());
        errors.forEach(x -> assertEquals(ErrorCode.CORRUPT_OBJECT, x.code()));

        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.loadSnapshot(truncated), "snapshots/" + truncated);
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.loadSnapshot(garbageId), garbageId, "authentication");
        assertEquals(good1, vault.loadSnapshot(good1).id());
    }

    @Test
    void latestIsTheNewestReadableSnapshot() throws Exception {
        String older = vault.writeSnapshot(snapshot(1, null));
        String newer = vault.writeSnapshot(snapshot(2, null));
        byte[] garbage = "planted under snapshots/, not a snapshot".getBytes(StandardCharsets.UTF_8);
        storage.putIfAbsent("snapshots/" + Hex.of(MessageDigest.getInstance("SHA-256").digest(garbage)), garbage);
        String truncated = vault.writeSnapshot(snapshot(3, null));
        byte[] bytes = read("snapshots/" + truncated);
        overwrite("snapshots/" + truncated, Arrays.copyOf(bytes, bytes.length - 10));
        try (Vault fresh = Vault.open(storage, PASSWORD)) {
            assertEquals(newer, fresh.resolveSnapshot("latest"));
            assertEquals(older, fresh.resolveSnapshot(older.substring(0, 10)));
        }
    }

    @Test
    void snapshotOfAnotherVaultDoesNotDecrypt() {
        Storage otherStorage = Storages.open(dir.resolve("other").toString());
        try (Vault other = Vault.init(otherStorage, PASSWORD, FAST)) {
            String id = other.writeSnapshot(snapshot(9, null));
            storage.putIfAbsent("snapshots/" + id, otherStorage.get("snapshots/" + id));
            assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.loadSnapshot(id), id);
        }
    }
}
