package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TreeCodecTest extends VaultTestSupport {
    static final BlobId A = BlobId.of(filled(0xaa));
    static final BlobId B = BlobId.of(filled(0xbb));

    static byte[] filled(int b) {
        byte[] x = new byte[32];
        Arrays.fill(x, (byte) b);
        return x;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Node file(byte[] name, List<BlobId> content, List<Xattr> xattrs) {
        return new Node(name, FileKind.FILE, 0644, 1000, 1000, 12345, 1_700_000_000_123456789L,
                1_700_000_001_000000000L, -5L, 99, 2049, 1, 0, null, xattrs, content, null, null, false);
    }

    static List<Node> sample() {
        List<Node> nodes = new ArrayList<>();
        nodes.add(file(b("plain.txt"), List.of(A, B, A), List.of()));
        nodes.add(file(new byte[] {'n', 'e', 'w', '\n', 'l', 'i', 'n', 'e'}, List.of(), List.of()));
        nodes.add(file(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0x80}, List.of(B),
                List.of(new Xattr(b("user.b"), new byte[] {0, 1, 2}), new Xattr(b("user.a"), b("v")))));
        nodes.add(new Node(b("dir"), FileKind.DIR, 0755, -2, 0, 4096, 1, 2, 3, -1L, Long.MIN_VALUE, 2, 0, null,
                List.of(), List.of(), A, null, false));
        nodes.add(new Node(b("link"), FileKind.SYMLINK, 0777, 0, 0, 7, 1, 2, 3, 4, 5, 1, 0,
                new byte[] {'/', 't', (byte) 0xc3, '\n'}, List.of(), List.of(), null, null, false));
        nodes.add(new Node(b("fifo"), FileKind.FIFO, 0600, 0, 0, 0, 1, 2, 3, 4, 5, 1, 0, null, null, null, null,
                null, false));
        nodes.add(new Node(b("sock"), FileKind.SOCKET, 0600, 0, 0, 0, 1, 2, 3, 4, 5, 1, 0, null, null, null, null,
                null, false));
        nodes.add(new Node(b("tty"), FileKind.CHAR_DEVICE, 0620, 0, 5, 0, 1, 2, 3, 4, 5, 1, (4L << 8) | 1, null,
                null, null, null, null, false));
        nodes.add(new Node(b("sda"), FileKind.BLOCK_DEVICE, 0660, 0, 6, 0, 1, 2, 3, 4, 5, 1, 8L << 8, null, null,
                null, null, null, false));
        nodes.add(new Node(b("unreadable"), FileKind.FILE, 0, 0, 0, 10, 1, 2, 3, 4, 5, 1, 0, null, null, List.of(),
                null, "permission denied", true));
        nodes.add(new Node(b("\u00e9t\u00e9 \"quoted\""), FileKind.DIR, 07755, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null,
                null, null, null, "could not list", false));
        return nodes;
    }

    @Test
    void canonicalWhateverTheInputOrder() {
        List<Node> nodes = sample();
        byte[] first = vault.encodeTree(new Tree(nodes));
        for (long seed = 0; seed < 20; seed++) {
            List<Node> shuffled = new ArrayList<>(nodes);
            Collections.shuffle(shuffled, new Random(seed));
            assertArrayEquals(first, vault.encodeTree(new Tree(shuffled)));
        }
        List<Node> reordered = new ArrayList<>(nodes);
        Node n = reordered.get(2);
        reordered.set(2, new Node(n.name(), n.type(), n.mode(), n.uid(), n.gid(), n.size(), n.mtimeNs(), n.atimeNs(),
                n.ctimeNs(), n.inode(), n.dev(), n.nlink(), n.rdev(), n.linkTarget(), List.of(n.xattrs().get(1),
                n.xattrs().get(0)), n.content(), n.subtree(), n.error(), n.changedDuringBackup()));
        assertArrayEquals(first, vault.encodeTree(new Tree(reordered)), "xattr order does not matter either");
    }

    @Test
    void roundTrip() {
        List<Node> nodes = sample();
        byte[] json = vault.encodeTree(new Tree(nodes));
        Tree back = vault.decodeTree(json);
        assertArrayEquals(json, vault.encodeTree(back));
        assertEquals(nodes.size(), back.nodes().size());
        for (int i = 1; i < back.nodes().size(); i++) {
            assertTrue(Arrays.compareUnsigned(back.nodes().get(i - 1).name(), back.nodes().get(i).name()) < 0);
        }
        for (Node want : nodes) {
            Node got = back.nodes().stream().filter(x -> Arrays.equals(x.name(), want.name())).findFirst()
                    .orElseThrow(() -> new AssertionError("lost " + new String(want.name(), StandardCharsets.UTF_8)));
            assertEquals(want.type(), got.type());
            assertEquals(want.mode(), got.mode());
            assertEquals(want.uid(), got.uid());
            assertEquals(want.gid(), got.gid());
            assertEquals(want.size(), got.size());
            assertEquals(want.mtimeNs(), got.mtimeNs());
            assertEquals(want.atimeNs(), got.atimeNs());
            assertEquals(want.ctimeNs(), got.ctimeNs());
            assertEquals(want.inode(), got.inode());
            assertEquals(want.dev(), got.dev());
            assertEquals(want.nlink(), got.nlink());
            assertEquals(want.rdev(), got.rdev());
            assertArrayEquals(want.linkTarget(), got.linkTarget());
            assertEquals(want.content() == null ? List.of() : want.content(), got.content());
            assertEquals(want.subtree(), got.subtree());
            assertEquals(want.error(), got.error());
            assertEquals(want.changedDuringBackup(), got.changedDuringBackup());
            assertEquals(want.xattrs() == null ? 0 : want.xattrs().size(), got.xattrs().size());
        }
        Node odd = back.nodes().stream().filter(x -> x.name()[0] == (byte) 0xff).findFirst().orElseThrow();
        assertArrayEquals(b("user.a"), odd.xattrs().get(0).name());
        assertArrayEquals(new byte[] {0, 1, 2}, odd.xattrs().get(1).value());
        Node dir = back.nodes().stream().filter(x -> Arrays.equals(x.name(), b("dir"))).findFirst()
                .orElseThrow();
        assertEquals(-1L, dir.inode(), "u64 inode 2^64-1 survives");
        assertEquals(-2, dir.uid(), "u32 uid 4294967294 survives");
        assertNull(dir.linkTarget());
    }

    @Test
    void fixedFieldsAndEncodings() {
        String json = new String(vault.encodeTree(new Tree(List.of(file(b("a"), List.of(A), List.of())))),
                StandardCharsets.UTF_8);
        assertEquals("{\"nodes\":[{\"name\":\"YQ==\",\"type\":\"file\",\"mode\":420,\"uid\":1000,\"gid\":1000,"
                + "\"size\":12345,\"mtime\":1700000000123456789,\"atime\":1700000001000000000,\"ctime\":-5,"
                + "\"inode\":99,\"dev\":2049,\"links\":1,\"rdev\":0,\"content\":[\"" + A.hex() + "\"]}]}", json);
    }

    /**
     * The bytes of every kind of node and optional field, pinned (their SHA-256): a tree's id is the
     * hash of these bytes, so an encoder that writes them differently would store every unchanged
     * directory again.
     */
    @Test
    void everyKindOfNodeEncodesToThePinnedBytes() throws Exception {
        byte[] json = vault.encodeTree(new Tree(sample()));
        assertEquals("fab8adfe1a7203607d981a1b9e967c8ef547d44448b03654051a2f68fc718fa5",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)),
                new String(json, StandardCharsets.UTF_8));
    }

    @Test
    void emptyTree() {
        assertEquals("{\"nodes\":[]}", new String(vault.encodeTree(new Tree(List.of())), StandardCharsets.UTF_8));
        assertTrue(vault.decodeTree(b("{\"nodes\":[]}")).nodes().isEmpty());
    }

    @Test
    void encodeRejectsBadNodes() {
        Node one = file(b("same"), List.of(), List.of());
        assertFails(ErrorCode.INVALID_ARGUMENT, () -> vault.encodeTree(new Tree(List.of(one, one))), "same");
        assertFails(ErrorCode.INVALID_ARGUMENT,
                () -> vault.encodeTree(new Tree(List.of(file(b("a/b"), List.of(), List.of())))), "a/b");
        assertFails(ErrorCode.INVALID_ARGUMENT,
                () -> vault.encodeTree(new Tree(List.of(file(b(".."), List.of(), List.of())))));
        assertFails(ErrorCode.INVALID_ARGUMENT,
                () -> vault.encodeTree(new Tree(List.of(file(new byte[0], List.of(), List.of())))));
    }

    @Test
    void malformedTreesAreCorruptNeverAnNpe() {
        String node = "{\"name\":\"YQ==\",\"type\":\"file\",\"mode\":420,\"uid\":0,\"gid\":0,\"size\":0,\"mtime\":0,"
                + "\"atime\":0,\"ctime\":0,\"inode\":0,\"dev\":0,\"links\":0,\"rdev\":0%s}";
        String[] bad = {
            "", "null", "[]", "{", "{}", "{\"nodes\":{}}", "{\"nodes\":[1]}", "{\"nodes\":[]} trailing",
            "{\"nodes\":[{}]}", "not json at all", "{\"nodes\":[]", "{\"nodes\":[null]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"YQ==\"", "\"***\"") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"file\"", "\"door\"") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"YQ==\"", "7") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"mode\":420", "\"mode\":65536") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"mode\":420", "\"mode\":4.5") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"uid\":0", "\"uid\":-1") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"inode\":0", "\"inode\":18446744073709551616") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"size\":0,", "") + "]}",
            "{\"nodes\":[" + String.format(node, ",\"content\":[\"abc\"]") + "]}",
            "{\"nodes\":[" + String.format(node, ",\"content\":\"" + A.hex() + "\"") + "]}",
            "{\"nodes\":[" + String.format(node, ",\"subtree\":\"" + A.hex() + "\"") + "]}",
            "{\"nodes\":[" + String.format(node, ",\"xattrs\":[{\"name\":\"YQ==\"}]") + "]}",
            "{\"nodes\":[" + String.format(node, ",\"changed_during_backup\":1") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"YQ==\"", "\"Lg==\"") + "]}",
            "{\"nodes\":[" + String.format(node, "").replace("\"YQ==\"", "\"YS9i\"") + "]}",
            "{\"nodes\":[" + String.format(node, "") + "," + String.format(node, "") + "]}",
            "{\"nodes\":[" + String.format(node, ",\"mode\":1") + "]}",
        };
        for (String s : bad) {
            StreamVaultException e = assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.decodeTree(b(s)));
            assertTrue(e.getMessage().startsWith("tree blob"), e.getMessage());
        }
        Tree ok = vault.decodeTree(b("{\"future\":{\"x\":[1]},\"nodes\":[" + String.format(node, ",\"new_field\":[1,2]")
                + "]}"));
        assertEquals(1, ok.nodes().size(), "unknown fields are skipped");
    }

    @Test
    void randomDamageNeverEscapesAsAnotherException() {
        byte[] good = vault.encodeTree(new Tree(sample()));
        Random r = new Random(7);
        int corrupt = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bad;
            switch (i % 3) {
                case 0 -> bad = Arrays.copyOf(good, r.nextInt(good.length));
                case 1 -> {
                    bad = good.clone();
                    bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
                }
                default -> {
                    bad = good.clone();
                    for (int k = 0; k < 5; k++) {
                        bad[r.nextInt(bad.length)] = (byte) "{}[],:\"0a-.e\\".charAt(r.nextInt(13));
                    }
                }
            }
            try {
                vault.decodeTree(bad);
            } catch (StreamVaultException e) {
                assertEquals(ErrorCode.CORRUPT_OBJECT, e.code(), e.getMessage());
                corrupt++;
            } catch (RuntimeException e) {
                fail("decodeTree threw " + e + " for damaged input", e);
            }
        }
        assertTrue(corrupt > 1000, "most damage is detected: " + corrupt);
    }

    @Test
    void treesTravelAsTreeBlobs() {
        byte[] json = vault.encodeTree(new Tree(sample()));
        BlobId id = vault.newHasher().id(json, 0, json.length);
        PackBuilder p = vault.newPack();
        p.add(vault.encode(BlobType.TREE, id, json, 0, json.length));
        PackInfo info = vault.writePack(p);
        vault.writeIndex(List.of(info));
        BlobLocation loc = vault.loadIndex().find(id, BlobType.TREE).orElseThrow();
        assertEquals(BlobType.TREE, loc.type());
        assertArrayEquals(json, vault.encodeTree(vault.decodeTree(vault.readBlob(loc))));
        BlobLocation asData = new BlobLocation(id, BlobType.DATA, loc.pack(), loc.offset(), loc.length(),
                loc.rawLength());
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> vault.readBlob(asData), loc.pack());
    }

    @Test
    void splitTreeRoundTripsAndItsPartsReadInNameOrder() throws Exception {
        {
            Vault v = vault;
            List<Node> first = List.of(file(b("a"), List.of(A), List.of()), file(b("b"), List.of(B), List.of()));
            List<Node> second = List.of(file(b("c"), List.of(A), List.of()));
            Map<BlobId, Tree> store = new HashMap<>();
            BlobId p1 = BlobId.of(filled(1));
            BlobId p2 = BlobId.of(filled(2));
            store.put(p1, v.decodeTree(v.encodeTree(new Tree(first))));
            store.put(p2, v.decodeTree(v.encodeTree(new Tree(second))));
            Tree split = v.decodeTree(v.encodeTree(new Tree(List.of(), List.of(p1, p2))));
            assertTrue(split.split());
            assertEquals(List.of(p1, p2), split.parts());
            List<String> names = new ArrayList<>();
            for (Node n : Trees.nodes(split, store::get)) {
                names.add(new String(n.name(), StandardCharsets.UTF_8));
            }
            assertEquals(List.of("a", "b", "c"), names);
            assertTrue(new String(v.encodeTree(split), StandardCharsets.UTF_8).contains("\"parts\""));
            assertTrue(!new String(v.encodeTree(new Tree(first)), StandardCharsets.UTF_8).contains("parts"),
                    "plain trees keep the original format");
            // parts out of order, or a part that is itself split, are corruption
            Tree swapped = new Tree(List.of(), List.of(p2, p1));
            try {
                Trees.nodes(swapped, store::get).forEach(n -> { });
                fail("parts out of order must be refused");
            } catch (StreamVaultException e) {
                assertEquals(ErrorCode.CORRUPT_OBJECT, e.code());
            }
            store.put(p1, split);
            try {
                Trees.nodes(new Tree(List.of(), List.of(p1)), store::get).forEach(n -> { });
                fail("a split part must be refused");
            } catch (StreamVaultException e) {
                assertEquals(ErrorCode.CORRUPT_OBJECT, e.code());
            }
            byte[] both = b("{\"nodes\":[{\"name\":\"YQ==\",\"type\":\"fifo\",\"mode\":0,\"uid\":0,\"gid\":0,\"size\":0,"
                    + "\"mtime\":0,\"atime\":0,\"ctime\":0,\"inode\":0,\"dev\":0,\"links\":1,\"rdev\":0}],\"parts\":[\""
                    + p1.hex() + "\"]}");
            try {
                v.decodeTree(both);
                fail("a tree with nodes and parts must be refused");
            } catch (StreamVaultException e) {
                assertEquals(ErrorCode.CORRUPT_OBJECT, e.code());
            }
        }
    }

    @Test
    void partBoundariesDependOnNamesAlone() {
        int boundaries = 0;
        for (int i = 0; i < 200_000; i++) {
            if (Trees.isPartBoundary(b("file-" + i))) {
                boundaries++;
            }
        }
        assertTrue(boundaries > 10 && boundaries < 50, "about one name in 8192 starts a part: " + boundaries);
        assertEquals(Trees.isPartBoundary(b("file-7")), Trees.isPartBoundary(b("file-7")));
    }
}
