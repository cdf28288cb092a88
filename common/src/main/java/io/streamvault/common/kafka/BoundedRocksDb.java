package io.streamvault.common.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Bounds the off-heap memory of every RocksDB store in the process: one shared block cache
 * (index and filter blocks included) instead of Kafka Streams' default of about 50 MB per store
 * per task, and small memtables (two of 4 MiB per store; a bloom filter of their keys in the
 * stores a topology names in {@link #POINT_LOOKUP_STORES}). Stores then hold tens of millions of
 * keys on disk with memory that depends on the number of stores, not on the keys.
 *
 * <p>No shared write-buffer manager: it can only flush the store being written, so an idle store
 * holding memtable memory made every write to a busy one flush a tiny SST file (tens of thousands
 * of files and whole cores spent compacting them, measured on a backup of the benchmark data set).
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    static final long CACHE_BYTES = 96L << 20;
    static final long MEMTABLE_BYTES = 4L << 20;
    static final double MEMTABLE_BLOOM_RATIO = 0.1;
    /**
     * A Streams config key (a topology's own, passed through to this setter): its stores, by name and
     * comma-separated, that are read mostly by lookups of single keys, often of keys they do not hold.
     */
    public static final String POINT_LOOKUP_STORES = "streamvault.rocksdb.point.lookup.stores";
    private static final Cache CACHE;

    static {
        org.rocksdb.RocksDB.loadLibrary();
        CACHE = new LRUCache(CACHE_BYTES, -1, false, 0.1);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        if (pointLookups(configs).contains(storeName)) {
            // A bloom filter over each memtable's whole keys (a tenth of its size): a lookup of a key
            // the store does not hold (dedup's first sighting of every new chunk) skips the memtable's
            // skip list, whose search was a tenth of the stream threads' CPU with small files (perf).
            // Only where asked: it is zeroed memory from the start and fills the memtable a tenth
            // sooner, which a store read by range scans pays for nothing.
            options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
            options.setMemtableWholeKeyFiltering(true);
        }
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setTableFormatConfig(table);
    }

    static List<String> pointLookups(Map<String, Object> configs) {
        Object stores = configs.get(POINT_LOOKUP_STORES);
        return stores == null || stores.toString().isEmpty() ? List.of() : List.of(stores.toString().split(","));
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache is shared by all stores of the process: never closed here.
    }
}
