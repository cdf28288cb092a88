package io.streamvault.catalog.internal;

import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.NodeRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;

/**
 * Turns the entries store's reverse key order, in which a batch of small files is one entry keyed by
 * its highest name ({@link EntryKey#BATCH}), back into one entry per file in reverse key order, as
 * {@link TreeAssembler} takes them. A batch's files, sorted, wait as one run until every key above
 * them has gone out, and the runs are merged: the scanner lists a directory in name order and its
 * batches are consecutive runs of it, so about one run per kind of batch waits at a time, never a
 * directory, and a file costs a comparison or two rather than a heap's (a heap of files was a tenth
 * of a million small files' seal). A single entry of the same name as a batched file is that file
 * read again after a change, and replaces it.
 */
final class EntryMerge {
    /** A batch's files in ascending name order, given out from the highest down. */
    private static final class Run {
        private final byte[] dir;
        private final List<NodeRecord> nodes;
        private int next;
        private EntryKey head;

        Run(byte[] dir, List<NodeRecord> ascending) {
            this.dir = dir;
            this.nodes = ascending;
            this.next = ascending.size() - 1;
            this.head = key(next);
        }

        private EntryKey key(int i) {
            return new EntryKey(dir, Buffers.of(nodes.get(i).getName()), 0);
        }

        NodeRecord node() {
            return nodes.get(next);
        }

        /** Moves to the next lower file; false when none is left. */
        boolean advance() {
            if (--next < 0) {
                return false;
            }
            head = key(next);
            return true;
        }
    }

    private final PriorityQueue<Run> runs = new PriorityQueue<>((a, b) -> compare(b.head, a.head));
    private final BiConsumer<EntryKey, NodeRecord> sink;

    EntryMerge(BiConsumer<EntryKey, NodeRecord> sink) {
        this.sink = sink;
    }

    /** An entry stored on its own (any part); {@code key} is below every key given before. */
    void single(EntryKey key, NodeRecord node) {
        flushAbove(key);
        Run top = runs.peek();
        if (top != null && compare(top.head, key) == 0) {
            runs.poll(); // the batched file's first reading, replaced by its reading again
            if (top.advance()) {
                runs.add(top);
            }
        }
        sink.accept(key, node);
    }

    /** A batch of whole files of one directory, stored under the highest of their names. */
    void batch(EntryKey key, List<NodeRecord> nodes) {
        flushAbove(key);
        if (nodes.isEmpty()) {
            return;
        }
        List<NodeRecord> ascending = new ArrayList<>(nodes);
        ascending.sort((a, b) -> compareNames(a.getName(), b.getName())); // linear when already in order
        runs.add(new Run(key.dir(), ascending));
    }

    /** Sends the files still held: call after the last entry. */
    void finish() {
        flushAbove(null);
    }

    /** Sends every held file above {@code key} (all when null), highest first. */
    private void flushAbove(EntryKey key) {
        while (!runs.isEmpty() && (key == null || compare(runs.peek().head, key) > 0)) {
            Run r = runs.poll();
            Run other = runs.peek();
            boolean more;
            do {
                sink.accept(r.head, r.node());
                more = r.advance();
            } while (more && (key == null || compare(r.head, key) > 0)
                    && (other == null || compare(r.head, other.head) >= 0));
            if (more) {
                runs.add(r);
            }
        }
    }

    private static int compareNames(ByteBuffer a, ByteBuffer b) {
        return Arrays.compareUnsigned(Buffers.of(a), Buffers.of(b));
    }

    /** Key order of directory, then name (paths hold no NUL, so this is the store's byte order). */
    static int compare(EntryKey a, EntryKey b) {
        int c = Arrays.compareUnsigned(a.dir(), b.dir());
        return c != 0 ? c : Arrays.compareUnsigned(a.name(), b.name());
    }
}
