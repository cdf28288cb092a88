package io.streamvault.catalog.internal;

import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.NodeRecord;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;

/**
 * Turns the entries store's reverse key order, in which a batch of small files is one entry keyed by
 * its highest name ({@link EntryKey#BATCH}), back into one entry per file in reverse key order, as
 * {@link TreeAssembler} takes them. A batch's files wait in a heap until every key above them has
 * gone out; the scanner lists a directory in name order and its batches are consecutive runs of it,
 * so the heap holds about one batch per kind of batch, never a directory. A single entry of the same
 * name as a batched file is that file read again after a change, and replaces it.
 */
final class EntryMerge {
    private record Held(EntryKey key, NodeRecord node) {
    }

    private final PriorityQueue<Held> held = new PriorityQueue<>((a, b) -> compare(b.key, a.key));
    private final BiConsumer<EntryKey, NodeRecord> sink;

    EntryMerge(BiConsumer<EntryKey, NodeRecord> sink) {
        this.sink = sink;
    }

    /** An entry stored on its own (any part); {@code key} is below every key given before. */
    void single(EntryKey key, NodeRecord node) {
        flushAbove(key);
        Held top = held.peek();
        if (top != null && compare(top.key, key) == 0) {
            held.poll(); // the batched file's first reading, replaced by its reading again
        }
        sink.accept(key, node);
    }

    /** A batch of whole files of one directory, stored under the highest of their names. */
    void batch(EntryKey key, List<NodeRecord> nodes) {
        flushAbove(key);
        for (NodeRecord n : nodes) {
            held.add(new Held(new EntryKey(key.dir(), Buffers.of(n.getName()), 0), n));
        }
    }

    /** Sends the files still held: call after the last entry. */
    void finish() {
        flushAbove(null);
    }

    private void flushAbove(EntryKey key) {
        while (!held.isEmpty() && (key == null || compare(held.peek().key, key) > 0)) {
            Held h = held.poll();
            sink.accept(h.key, h.node);
        }
    }

    /** Key order of directory, then name (paths hold no NUL, so this is the store's byte order). */
    static int compare(EntryKey a, EntryKey b) {
        int c = Arrays.compareUnsigned(a.dir(), b.dir());
        return c != 0 ? c : Arrays.compareUnsigned(a.name(), b.name());
    }
}
