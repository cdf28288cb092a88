package io.streamvault.common.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Kafka Streams' persistent key-value store (RocksDB), except that it reports an empty position.
 * Its changelogging layer asks the store for its position on every write, and RocksDB's store
 * answers with a deep copy of it, used only when interactive queries ask for consistency: 6-11% of
 * the dedup and catalog threads in profiles of small-file backups. No topology here serves
 * interactive queries, so the position is never needed (the store itself still keeps and
 * checkpoints it). Everything else is the RocksDB store's.
 */
public final class UnpositionedStores {
    private UnpositionedStores() {
    }

    /** Like {@link Stores#persistentKeyValueStore(String)}. */
    public static KeyValueBytesStoreSupplier persistent(String name) {
        KeyValueBytesStoreSupplier rocks = Stores.persistentKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return rocks.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new Unpositioned(rocks.get());
            }

            @Override
            public String metricsScope() {
                return rocks.metricsScope();
            }
        };
    }

    private record Unpositioned(KeyValueStore<Bytes, byte[]> inner) implements KeyValueStore<Bytes, byte[]> {
        @Override
        public Position getPosition() {
            return Position.emptyPosition();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
            inner.init(context, root);
        }

        @Override
        @SuppressWarnings("deprecation")
        public void flush() {
            inner.flush();
        }

        @Override
        public void commit(Map<TopicPartition, Long> changelogOffsets) {
            inner.commit(changelogOffsets);
        }

        @Override
        public Long committedOffset(TopicPartition partition) {
            return inner.committedOffset(partition);
        }

        @Override
        public boolean managesOffsets() {
            return inner.managesOffsets();
        }

        @Override
        public long approximateNumUncommittedBytes() {
            return inner.approximateNumUncommittedBytes();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public boolean persistent() {
            return inner.persistent();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
            return inner.query(query, bound, config);
        }

        @Override
        public void put(Bytes key, byte[] value) {
            inner.put(key, value);
        }

        @Override
        public byte[] putIfAbsent(Bytes key, byte[] value) {
            return inner.putIfAbsent(key, value);
        }

        @Override
        public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
            inner.putAll(entries);
        }

        @Override
        public byte[] delete(Bytes key) {
            return inner.delete(key);
        }

        @Override
        public byte[] get(Bytes key) {
            return inner.get(key);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            return inner.range(from, to);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
            return inner.reverseRange(from, to);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            return inner.all();
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseAll() {
            return inner.reverseAll();
        }

        @Override
        public <S extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, S serializer) {
            return inner.prefixScan(prefix, serializer);
        }

        @Override
        public long approximateNumEntries() {
            return inner.approximateNumEntries();
        }

        @Override
        public ReadOnlyKeyValueStore<Bytes, byte[]> readOnly(IsolationLevel isolationLevel) {
            return inner.readOnly(isolationLevel);
        }
    }
}
