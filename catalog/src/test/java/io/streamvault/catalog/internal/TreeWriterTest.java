package io.streamvault.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.ForwardingStorage;
import io.streamvault.vault.Node;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seal's tree writer packs on a thread of its own: what it stores, in what order, and how it fails. */
class TreeWriterTest {
    @TempDir
    Path tmp;

    private static Tree tree(int i) {
        List<Node> nodes = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            byte[] name = String.format("file-%03d-%02d", i, k).getBytes(StandardCharsets.UTF_8);
            nodes.add(new Node(name, FileKind.FILE, 0644, 1000, 1000, i * 100L + k, 1_700_000_000_000000000L + i,
                    0, 0, i, 1, 1, 0, null, List.of(), List.of(), null, null, false));
        }
        return new Tree(nodes);
    }

    /**
     * The vault's directory, counting pack writes in {@code packWrites} and failing, with
     * {@code message}, every one after the first {@code good} (none when message is null).
     */
    private Storage packs(AtomicInteger packWrites, int good, String message) {
        return new ForwardingStorage(Storages.open(tmp.resolve("vault").toString())) {
            @Override
            public boolean putIfAbsent(String name, byte[] data) {
                if (name.startsWith("data/") && packWrites.incrementAndGet() > good && message != null) {
                    throw new FatalException(ErrorCode.STORAGE_DENIED, message);
                }
                return super.putIfAbsent(name, data);
            }
        };
    }

    private Vault vault(Storage storage) {
        return Vault.init(storage, "pw".toCharArray(), VaultOptions.defaults().withKdfLogN(10));
    }

    @Test
    void everyTreeIsStoredInPacksOfTheTargetSizeAndIndexedOnlyAtFinish() {
        Storage storage = Storages.open(tmp.resolve("vault").toString());
        try (Vault vault = vault(storage)) {
            List<BlobId> ids = new ArrayList<>();
            long bytes;
            try (TreeWriter writer = new TreeWriter(vault, new TreeIndex(vault), 4096, false)) {
                for (int i = 0; i < 300; i++) {
                    ids.add(writer.write(tree(i)));
                }
                assertEquals(ids.get(7), writer.write(tree(7)), "the same tree has the same id");
                assertEquals(300, writer.treesWritten(), "a tree written twice is stored once");
                assertTrue(vault.listIndex().isEmpty(), "no index before finish");
                bytes = writer.finish();
            }
            assertEquals(1, vault.listIndex().size(), "one index object for all the packs");
            TreeIndex fresh = new TreeIndex(vault); // from the stored index, not this process's cache
            List<String> packs = new ArrayList<>();
            long stored = 0;
            for (int i = 0; i < ids.size(); i++) {
                var loc = fresh.find(ids.get(i)).orElseThrow();
                assertEquals(tree(i), vault.decodeTree(vault.readBlob(loc)), "tree " + i);
                if (!packs.contains(loc.pack())) {
                    packs.add(loc.pack());
                }
            }
            for (String p : packs) {
                stored += storage.stat("data/" + p.substring(0, 2) + "/" + p).orElseThrow().size();
            }
            assertTrue(packs.size() > 10, "packs cut at the target size: " + packs.size());
            assertEquals(stored, bytes, "the bytes reported are the packs stored");
        }
    }

    @Test
    void aFailedPackWriteIsThrownByTheWriterAndNothingIsIndexed() {
        try (Vault vault = vault(packs(new AtomicInteger(), 2, "disk full (test)"))) {
            FatalException thrown;
            try (TreeWriter writer = new TreeWriter(vault, new TreeIndex(vault), 4096, false)) {
                thrown = assertThrows(FatalException.class, () -> {
                    for (int i = 0; i < 300; i++) {
                        writer.write(tree(i));
                    }
                    writer.finish();
                });
            }
            assertEquals("disk full (test)", thrown.getMessage(), "the storage's own error, code and all");
            assertSame(ErrorCode.STORAGE_DENIED, thrown.code());
            assertEquals(1, thrown.getSuppressed().length, "the caller's stack, once");
            assertTrue(Arrays.stream(thrown.getSuppressed()[0].getStackTrace())
                    .anyMatch(f -> f.getClassName().equals(TreeWriterTest.class.getName())), "the caller's stack");
            assertTrue(vault.listIndex().isEmpty(), "no index names packs that a failed seal left");
        }
    }

    @Test
    void aCallerWaitingForRoomIsReleasedWhenThePackerFails() {
        try (Vault vault = vault(packs(new AtomicInteger(), 0, "no room (test)"))) {
            // A pack per tree, and room for one byte: the caller waits for the packer at every tree.
            try (TreeWriter writer = new TreeWriter(vault, new TreeIndex(vault), 1, false, 1)) {
                // (The timeout guards against a deadlock, the failure this test is about; it is no speed goal.)
                FatalException thrown = assertTimeoutPreemptively(Duration.ofSeconds(60),
                        () -> assertThrows(FatalException.class, () -> {
                            for (int i = 0; i < 50; i++) {
                                writer.write(tree(i));
                            }
                            writer.finish();
                        }));
                assertEquals("no room (test)", thrown.getMessage());
                assertSame(thrown, assertThrows(FatalException.class, () -> writer.write(tree(98))),
                        "a failed writer keeps failing");
                writer.close();
                assertThrows(IllegalStateException.class, () -> writer.write(tree(99)), "closed: no tree is taken");
            }
        }
    }

    @Test
    void anAbandonedSealStoresNothingMoreOnceClosed() {
        AtomicInteger packWrites = new AtomicInteger();
        try (Vault vault = vault(packs(packWrites, 0, null))) {
            try (TreeWriter writer = new TreeWriter(vault, new TreeIndex(vault), 1 << 20, false)) {
                writer.write(tree(1));
            } // closed without finish: the assembler failed
            assertEquals(0, packWrites.get(), "the pending pack was not stored");
            assertTrue(vault.listIndex().isEmpty());
        }
    }
}
