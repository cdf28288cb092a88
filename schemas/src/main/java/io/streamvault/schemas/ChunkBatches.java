package io.streamvault.schemas;

import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.UploadRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * How records about chunks ({@code chunks}, {@code upload-requests}, {@code chunk-stored},
 * {@code chunk-acks}) are batched: the first item of a group is sent as the record, the rest in its
 * {@code more}. A group holds at most {@link #MAX_CHUNKS} items and about {@link #MAX_BYTES} of
 * them (the sources' paths make up most of a record, and a path may be 4 KiB long): far below the
 * broker's 1 MB record limit. An item larger than that goes alone.
 */
public final class ChunkBatches {
    /** The most items one record carries (itself and its {@code more}). */
    public static final int MAX_CHUNKS = 512;
    /** About the most bytes one record's items take, by {@link #bytes} and its siblings. */
    public static final int MAX_BYTES = 256 << 10;
    /** What an item takes besides its source and strings: id, numbers, pack id, framing. */
    private static final int FIXED_BYTES = 96;

    private ChunkBatches() {
    }

    /**
     * Groups items by the partition that owns their chunk id ({@link Topics#chunkPartition}), so
     * that every record about an id reaches the one dedup task that owns its state; each group is
     * sent as one record keyed by its first id.
     */
    public static <T> List<List<T>> byPartition(List<T> items, Function<T, ByteBuffer> id, ToIntFunction<T> bytes,
            int partitions) {
        Map<Integer, Group<T>> open = new TreeMap<>();
        List<List<T>> groups = new ArrayList<>();
        for (T item : items) {
            open.computeIfAbsent(Topics.chunkPartition(Buffers.of(id.apply(item)), partitions), p -> new Group<>())
                    .add(item, bytes.applyAsInt(item), groups);
        }
        for (Group<T> g : open.values()) {
            g.close(groups);
        }
        return groups;
    }

    /** Groups items in order (for topics whose partition does not matter, or items of one key). */
    public static <T> List<List<T>> inOrder(List<T> items, ToIntFunction<T> bytes) {
        Group<T> g = new Group<>();
        List<List<T>> groups = new ArrayList<>();
        for (T item : items) {
            g.add(item, bytes.applyAsInt(item), groups);
        }
        g.close(groups);
        return groups;
    }

    /**
     * Each group as the one record it is sent as: its first item, carrying the rest as its
     * {@code more} (set by {@code setMore}, the record type's setter).
     */
    public static <T> List<T> joined(List<List<T>> groups, BiConsumer<T, List<T>> setMore) {
        List<T> records = new ArrayList<>(groups.size());
        for (List<T> g : groups) {
            T first = g.get(0);
            setMore.accept(first, new ArrayList<>(g.subList(1, g.size())));
            records.add(first);
        }
        return records;
    }

    /** A received record's items: itself (only its own fields are read, not its {@code more}) and its {@code more}. */
    public static <T> List<T> items(T record, List<T> more) {
        if (more.isEmpty()) {
            return List.of(record);
        }
        List<T> all = new ArrayList<>(more.size() + 1);
        all.add(record);
        all.addAll(more);
        return all;
    }

    public static int bytes(ChunkRecord r) {
        return FIXED_BYTES + r.getJob().length() + bytes(r.getSource());
    }

    public static int bytes(UploadRequest r) {
        return FIXED_BYTES + r.getJob().length() + bytes(r.getSource());
    }

    public static int bytes(ChunkStored s) {
        return FIXED_BYTES + s.getJob().length() + s.getWorker().length() + bytes(s.getSource()) + text(s.getError());
    }

    public static int bytes(ChunkAck a) {
        return FIXED_BYTES + a.getJob().length() + a.getWorker().length() + bytes(a.getSource()) + text(a.getError());
    }

    private static int bytes(ChunkSource s) {
        return s == null ? 0 : s.getPath().remaining() + s.getDir().remaining() + s.getName().remaining() + 24;
    }

    /** At most 3 bytes per char in UTF-8. */
    private static int text(String s) {
        return s == null ? 0 : 3 * s.length();
    }

    private static final class Group<T> {
        private List<T> items = new ArrayList<>();
        private long bytes;

        void add(T item, int size, List<List<T>> done) {
            if (!items.isEmpty() && (items.size() == MAX_CHUNKS || bytes + size > MAX_BYTES)) {
                close(done);
            }
            items.add(item);
            bytes += size;
        }

        void close(List<List<T>> done) {
            if (!items.isEmpty()) {
                done.add(items);
                items = new ArrayList<>();
                bytes = 0;
            }
        }
    }
}
