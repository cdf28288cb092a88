package io.streamvault.catalog.internal;

import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.NodeRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A job's entries until its seal, in the catalog's entries store (keys: {@link EntryKey}). A batch
 * of whole small files that came in one manifest is one entry, keyed by the highest of its names
 * with part {@link EntryKey#BATCH}, its value the files' nodes ({@code count(4) (length(4) node)*},
 * big-endian): a file costs no store write, changelog record or deletion of its own.
 */
final class EntryStore {
    /** Keys deleted per pass, so that deleting a job's entries holds a bounded number of keys. */
    private static final int DELETE_BATCH = 10_000;
    private final KeyValueStore<Bytes, byte[]> store;
    private final Serializer<NodeRecord> writer;
    private final Deserializer<NodeRecord> reader;
    private final String topic;

    EntryStore(KeyValueStore<Bytes, byte[]> store, Serializer<NodeRecord> writer, Deserializer<NodeRecord> reader,
            String topic) {
        this.store = store;
        this.writer = writer;
        this.reader = reader;
        this.topic = topic;
    }

    void put(String job, byte[] dir, byte[] name, int part, NodeRecord node) {
        store.put(EntryKey.of(job, dir, name, part), writer.serialize(topic, node));
    }

    /** Whole one-part files of the directory {@code dir}, first readings, distinct names. */
    void putBatch(String job, byte[] dir, List<NodeRecord> nodes) {
        byte[] highest = null;
        List<byte[]> encoded = new ArrayList<>(nodes.size());
        int size = 4;
        for (NodeRecord n : nodes) {
            byte[] name = Buffers.of(n.getName());
            if (highest == null || Arrays.compareUnsigned(name, highest) > 0) {
                highest = name;
            }
            byte[] e = writer.serialize(topic, n);
            encoded.add(e);
            size += 4 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(encoded.size());
        for (byte[] e : encoded) {
            b.putInt(e.length).put(e);
        }
        store.put(EntryKey.of(job, dir, highest, EntryKey.BATCH), b.array());
    }

    /** The first part of the file {@code name} in {@code dir}, stored alone or in a batch; null if none. */
    NodeRecord find(String job, byte[] dir, byte[] name) {
        byte[] single = store.get(EntryKey.of(job, dir, name, 0));
        if (single != null) {
            return reader.deserialize(topic, single);
        }
        // A batch holding the name is keyed by a name at or above it, in the same directory.
        try (KeyValueIterator<Bytes, byte[]> it = store.range(EntryKey.of(job, dir, name, 0), EntryKey.dirEnd(job, dir))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (EntryKey.parse(job, kv.key).part() != EntryKey.BATCH) {
                    continue;
                }
                for (NodeRecord n : batch(kv.value)) {
                    if (Arrays.equals(Buffers.of(n.getName()), name)) {
                        return n;
                    }
                }
            }
        }
        return null;
    }

    /** Whether part {@code part} of {@code name} is stored on its own. */
    boolean has(String job, byte[] dir, byte[] name, int part) {
        return store.get(EntryKey.of(job, dir, name, part)) != null;
    }

    /** Every entry of the job, one per file or part, in reverse key order (see {@link TreeAssembler}). */
    void feed(String job, BiConsumer<EntryKey, NodeRecord> sink) {
        EntryMerge merge = new EntryMerge(sink);
        try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(EntryKey.jobStart(job), EntryKey.jobEnd(job))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                EntryKey key = EntryKey.parse(job, kv.key);
                if (key.part() == EntryKey.BATCH) {
                    merge.batch(key, batch(kv.value));
                } else {
                    merge.single(key, reader.deserialize(topic, kv.value));
                }
            }
        }
        merge.finish();
    }

    /** Deletes a job's entries, a batch of keys at a time, so memory does not grow with the job. */
    void delete(String job) {
        Bytes from = EntryKey.jobStart(job);
        Bytes end = EntryKey.jobEnd(job);
        while (true) {
            List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = store.range(from, end)) {
                while (it.hasNext() && keys.size() < DELETE_BATCH) {
                    keys.add(it.next().key);
                }
            }
            for (var k : keys) {
                store.delete(k);
            }
            if (keys.size() < DELETE_BATCH) {
                return;
            }
            from = keys.get(keys.size() - 1);
        }
    }

    private List<NodeRecord> batch(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        int count = b.getInt();
        List<NodeRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] e = new byte[b.getInt()];
            b.get(e);
            out.add(reader.deserialize(topic, e));
        }
        return out;
    }
}
