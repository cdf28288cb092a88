package io.streamvault.common.kafka;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Bounds the off-heap memory of every RocksDB store in the process: one shared block cache
 * (index and filter blocks included) instead of Kafka Streams' default of about 50 MB per store
 * per task, and small memtables (two of 4 MiB per store, each with a bloom filter of its keys).
 * Stores then hold tens of millions of keys on disk with memory that depends on the number of
 * stores, not on the keys.
 *
 * <p>No shared write-buffer manager: it can only flush the store being written, so an idle store
 * holding memtable memory made every write to a busy one flush a tiny SST file (tens of thousands
 * of files and whole cores spent compacting them, measured on a backup of the benchmark data set).
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    static final long CACHE_BYTES = 96L << 20;
    static final long MEMTABLE_BYTES = 4L << 20;
    static final double MEMTABLE_BLOOM_RATIO = 0.1;
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
        // A bloom filter over each memtable's whole keys (a tenth of its size): a lookup of a key the
        // store does not hold (dedup's first sighting of every new chunk) skips the memtable's skip
        // list, whose search was a tenth of the stream threads' CPU with small files (perf).
        options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
        options.setMemtableWholeKeyFiltering(true);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache is shared by all stores of the process: never closed here.
    }
}
