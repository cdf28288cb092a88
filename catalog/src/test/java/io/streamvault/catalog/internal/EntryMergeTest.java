package io.streamvault.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merge against the order it must give: every entry the store holds, batches opened into their
 * files, in reverse key order, a batched file replaced by a single entry of its name.
 */
class EntryMergeTest {
    private record Stored(EntryKey key, List<NodeRecord> nodes) {
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static NodeRecord node(String name, long size) {
        return NodeRecord.newBuilder().setName(ByteBuffer.wrap(b(name))).setType(NodeType.FILE).setMode(0644).setUid(1)
                .setGid(2).setSize(size).setMtimeNs(1).setAtimeNs(0).setCtimeNs(5).setInode(7).setDev(1).setNlink(1)
                .setContent(List.of()).setXattrs(List.of()).build();
    }

    /** Store order: directory, name, then the part as the store's unsigned bytes (a batch, -1, last). */
    private static final Comparator<EntryKey> STORE = (x, y) -> {
        int c = EntryMerge.compare(x, y);
        return c != 0 ? c : Integer.compareUnsigned(x.part(), y.part());
    };

    private static String text(EntryKey k, NodeRecord n) {
        return new String(k.dir(), StandardCharsets.UTF_8) + "/" + new String(k.name(), StandardCharsets.UTF_8) + "#"
                + k.part() + " size " + n.getSize();
    }

    @Test
    void givesEveryFileOnceInReverseKeyOrderWhateverTheBatches() {
        for (int seed = 0; seed < 300; seed++) {
            Random r = new Random(seed);
            List<Stored> store = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (String dir : List.of("", "a", "a/b")) {
                int files = r.nextInt(60);
                List<List<NodeRecord>> open = List.of(new ArrayList<>(), new ArrayList<>()); // two kinds of batch
                for (int i = 0; i < files; i++) {
                    // bytes above 0x7f too: names sort unsigned, as the store's keys do
                    String name = String.format("f%03d", i) + List.of("", "z", "\u00e9").get(r.nextInt(3));
                    int what = r.nextInt(10);
                    if (what < 2) { // a file stored on its own, in one or several parts
                        int parts = 1 + r.nextInt(3);
                        for (int p = 0; p < parts; p++) {
                            store.add(new Stored(new EntryKey(b(dir), b(name), p), List.of(node(name, 100 + p))));
                        }
                        continue;
                    }
                    List<NodeRecord> batch = open.get(what % 2);
                    batch.add(node(name, i));
                    if (what == 9) { // read again after a change: single entries replace the batched one
                        int parts = 1 + r.nextInt(2);
                        for (int p = 0; p < parts; p++) {
                            store.add(new Stored(new EntryKey(b(dir), b(name), p), List.of(node(name, 1000 + p))));
                        }
                    }
                    if (batch.size() == 1 + r.nextInt(8) || i == files - 1) {
                        close(store, dir, batch, r);
                    }
                }
                for (List<NodeRecord> batch : open) {
                    close(store, dir, batch, r);
                }
            }
            // What the seal must see: singles as stored, batched files not replaced, all in reverse key order.
            List<Object[]> all = new ArrayList<>();
            for (Stored s : store) {
                if (s.key().part() != EntryKey.BATCH) {
                    all.add(new Object[] {s.key(), s.nodes().get(0)});
                    continue;
                }
                for (NodeRecord n : s.nodes()) {
                    byte[] name = Arrays.copyOf(n.getName().array(), n.getName().limit());
                    EntryKey k = new EntryKey(s.key().dir(), name, 0);
                    boolean replaced = store.stream()
                            .anyMatch(o -> o.key().part() == 0 && EntryMerge.compare(o.key(), k) == 0);
                    if (!replaced) {
                        all.add(new Object[] {k, n});
                    }
                }
            }
            all.sort((x, y) -> STORE.compare((EntryKey) y[0], (EntryKey) x[0]));
            for (Object[] e : all) {
                expected.add(text((EntryKey) e[0], (NodeRecord) e[1]));
            }
            store.sort((x, y) -> STORE.compare(y.key(), x.key()));
            List<String> got = new ArrayList<>();
            EntryMerge merge = new EntryMerge((k, n) -> got.add(text(k, n)));
            for (Stored s : store) {
                if (s.key().part() == EntryKey.BATCH) {
                    merge.batch(s.key(), s.nodes());
                } else {
                    merge.single(s.key(), s.nodes().get(0));
                }
            }
            merge.finish();
            assertEquals(expected, got, "seed " + seed);
        }
    }

    /** Stores a batch under its highest name, its files in any order (arrival order is not key order). */
    private static void close(List<Stored> store, String dir, List<NodeRecord> batch, Random r) {
        if (batch.isEmpty()) {
            return;
        }
        List<NodeRecord> files = new ArrayList<>(batch);
        if (r.nextBoolean()) {
            Collections.reverse(files);
        }
        NodeRecord highest = batch.get(batch.size() - 1);
        store.add(new Stored(new EntryKey(b(dir), b(new String(highest.getName().array(), StandardCharsets.UTF_8)),
                EntryKey.BATCH), files));
        batch.clear();
    }
}
