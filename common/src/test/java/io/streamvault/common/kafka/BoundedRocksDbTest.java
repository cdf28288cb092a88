package io.streamvault.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

class BoundedRocksDbTest {
    private static Options configured(String store, Map<String, Object> configs) {
        Options o = new Options();
        o.setTableFormatConfig(new BlockBasedTableConfig());
        new BoundedRocksDb().setConfig(store, o, configs);
        return o;
    }

    @Test
    void onlyTheStoresNamedForPointLookupsGetAMemtableBloomFilter() {
        Map<String, Object> configs = Map.of(BoundedRocksDb.POINT_LOOKUP_STORES, "chunk-state,other");
        try (Options named = configured("chunk-state", configs);
                Options unnamed = configured("entries", configs);
                Options none = configured("chunk-state", Map.of())) {
            assertTrue(named.memtableWholeKeyFiltering());
            assertEquals(BoundedRocksDb.MEMTABLE_BLOOM_RATIO, named.memtablePrefixBloomSizeRatio());
            assertFalse(unnamed.memtableWholeKeyFiltering());
            assertEquals(0.0, unnamed.memtablePrefixBloomSizeRatio());
            assertFalse(none.memtableWholeKeyFiltering(), "no stores named");
            assertEquals(BoundedRocksDb.MEMTABLE_BYTES, named.writeBufferSize(), "the bounds hold for every store");
            assertEquals(BoundedRocksDb.MEMTABLE_BYTES, unnamed.writeBufferSize());
        }
    }
}
