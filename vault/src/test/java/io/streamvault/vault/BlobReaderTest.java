package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader whose index went stale because a collection moved a blob finds it in its new pack. */
class BlobReaderTest {
    @TempDir
    Path tmp;

    @Test
    void aBlobWhosePackWasRepackedIsReadFromItsNewPack() {
        try (TestVault tv = TestVault.create(tmp.resolve("v"), 1 << 16)) {
            byte[] plain = "moved by a collection".getBytes(StandardCharsets.UTF_8);
            BlobId id = tv.blob(BlobType.DATA, plain);
            tv.snapshot(tv.tree(List.of()), "/x".getBytes(StandardCharsets.UTF_8), "h");
            Vault vault = tv.vault;
            MasterIndex stale = vault.loadIndex();
            BlobReader reader = new BlobReader(vault, stale);
            BlobLocation old = stale.find(id, BlobType.DATA).orElseThrow();

            // what garbage collection does: the record into a new pack, a new index, then deletions
            PackBuilder pack = vault.newPack();
            pack.add(vault.readRecord(old));
            PackInfo moved = vault.writePack(pack);
            String newIndex = vault.writeIndex(List.of(moved));
            for (String name : stale.indexObjects()) {
                if (!name.equals(newIndex)) {
                    vault.delete(ObjectKind.INDEX, ObjectKind.INDEX.idOf(name));
                }
            }
            vault.delete(ObjectKind.PACK, old.pack());
            assertEquals(ErrorCode.OBJECT_NOT_FOUND,
                    assertThrows(StreamVaultException.class, () -> vault.readBlob(old)).code());

            assertArrayEquals(plain, reader.read(old));
            assertArrayEquals(plain, reader.read(id, BlobType.DATA));
            assertNotEquals(stale, reader.index(), "the reader reloaded its index");
            assertEquals(moved.id(), reader.find(id, BlobType.DATA).orElseThrow().pack());
        }
    }

    @Test
    void aBlobThatIsGoneEverywhereIsStillAnError() {
        try (TestVault tv = TestVault.create(tmp.resolve("v"), 1 << 16)) {
            BlobId id = tv.blob(BlobType.DATA, "lost".getBytes(StandardCharsets.UTF_8));
            tv.snapshot(tv.tree(List.of()), "/x".getBytes(StandardCharsets.UTF_8), "h");
            MasterIndex index = tv.vault.loadIndex();
            BlobLocation loc = index.find(id, BlobType.DATA).orElseThrow();
            tv.vault.delete(ObjectKind.PACK, loc.pack());
            BlobReader reader = new BlobReader(tv.vault, index);
            StreamVaultException e = assertThrows(StreamVaultException.class, () -> reader.read(loc));
            assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        }
    }
}
