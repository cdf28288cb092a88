package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every object a vault writes or deletes is announced, in the order of the writes, with its size. */
class VaultEventsTest {
    @TempDir
    Path tmp;

    record Event(String op, ObjectKind kind, String id, long size) {
    }

    @Test
    void everyWriteAndDeleteIsAnnouncedInWriteOrder() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("a"), new byte[300_000]);
        Files.writeString(src.resolve("b"), "hello");
        try (TestVault tv = TestVault.create(tmp.resolve("vault"), 64 << 10)) {
            List<Event> events = new ArrayList<>();
            tv.vault.announceTo(new VaultEvents() {
                @Override
                public void written(ObjectKind kind, String id, long size) {
                    events.add(new Event("put", kind, id, size));
                }

                @Override
                public void deleted(ObjectKind kind, String id) {
                    events.add(new Event("delete", kind, id, 0));
                }
            });
            String snap = tv.backup(src, "h");
            String doc = tv.vault.writeDocument(ObjectKind.PLAN, "{}".getBytes());
            tv.vault.delete(ObjectKind.SNAPSHOT, snap);

            Set<String> stored = new HashSet<>();
            for (ObjectKind k : ObjectKind.values()) {
                for (VaultObject o : tv.vault.list(k).objects()) {
                    stored.add(k + "/" + o.id() + "/" + o.size());
                }
            }
            int firstIndex = -1;
            int lastPack = -1;
            int snapshotAt = -1;
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                if (e.op.equals("put")) {
                    assertTrue(stored.contains(e.kind + "/" + e.id + "/" + e.size) || e.kind == ObjectKind.SNAPSHOT,
                            "announced as stored, with its size: " + e);
                }
                if (e.kind == ObjectKind.PACK) {
                    lastPack = i;
                }
                if (e.kind == ObjectKind.INDEX && firstIndex < 0) {
                    firstIndex = i;
                }
                if (e.kind == ObjectKind.SNAPSHOT && e.op.equals("put")) {
                    snapshotAt = i;
                }
            }
            assertTrue(lastPack >= 0 && firstIndex >= 0 && snapshotAt > lastPack && snapshotAt > firstIndex,
                    "packs and index before the snapshot: " + events);
            assertEquals(new Event("put", ObjectKind.SNAPSHOT, snap, events.get(snapshotAt).size), events.get(snapshotAt));
            assertEquals(ObjectKind.PLAN, events.get(events.size() - 2).kind);
            assertEquals(doc, events.get(events.size() - 2).id);
            assertEquals(new Event("delete", ObjectKind.SNAPSHOT, snap, 0), events.get(events.size() - 1));
            int before = events.size();
            tv.vault.announceTo(null);
            tv.vault.writeDocument(ObjectKind.PLAN, "{\"x\":1}".getBytes());
            assertEquals(before, events.size(), "no listener, no announcement");
        }
    }
}
