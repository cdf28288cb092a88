package io.streamvault.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ChunkBatchesTest {
    private static final int PARTITIONS = 4;

    private static ChunkRecord chunk(Random random, int pathBytes) {
        byte[] id = new byte[32];
        random.nextBytes(id);
        byte[] path = new byte[pathBytes];
        return new ChunkRecord(ByteBuffer.wrap(id), "job", new ChunkSource(ByteBuffer.wrap(path), 0L, 1,
                ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(new byte[0]), 0, 0), new ArrayList<>());
    }

    private static int partition(ChunkRecord r) {
        return Topics.chunkPartition(Buffers.of(r.getId()), PARTITIONS);
    }

    @Test
    void everyChunkGoesOnceInAGroupOfItsOwnPartitionAndGroupsStayBounded() {
        Random random = new Random(1);
        List<ChunkRecord> chunks = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            chunks.add(chunk(random, 40));
        }
        for (int i = 0; i < 300; i++) {
            chunks.add(chunk(random, 4096)); // the longest paths Linux allows
        }
        List<List<ChunkRecord>> groups = ChunkBatches.byPartition(chunks, ChunkRecord::getId, ChunkBatches::bytes,
                PARTITIONS);
        Set<ChunkRecord> seen = new HashSet<>();
        for (List<ChunkRecord> g : groups) {
            assertTrue(!g.isEmpty() && g.size() <= ChunkBatches.MAX_CHUNKS, "group of " + g.size());
            assertTrue(g.stream().mapToInt(ChunkBatches::bytes).sum() <= ChunkBatches.MAX_BYTES);
            int p = partition(g.get(0));
            for (ChunkRecord r : g) {
                assertEquals(p, partition(r), "a chunk in the group of another partition");
                assertTrue(seen.add(r));
            }
        }
        assertEquals(chunks.size(), seen.size());
        assertTrue(groups.size() < 50, groups.size() + " groups for " + chunks.size() + " chunks");
        // As sent: the first with the rest in its more, under the producer's and broker's 1 MB limit.
        Topics topics = new Topics("sv", "0123456789abcdef", PARTITIONS, (short) 1, SchemaRegistries.inMemory());
        List<ChunkRecord> records = ChunkBatches.joined(groups, ChunkRecord::setMore);
        assertEquals(groups.size(), records.size());
        for (ChunkRecord first : records) {
            byte[] wire = topics.chunks.valueSerde().serializer().serialize(topics.chunks.name(), first);
            assertTrue(wire.length < 1_000_000, wire.length + " bytes");
        }
    }

    @Test
    void theOwningPartitionIsKafkasDefaultPartitionersChoice() {
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            byte[] id = new byte[32];
            random.nextBytes(id);
            for (int n : new int[] {1, 3, 4, 12}) {
                assertEquals(BuiltInPartitioner.partitionForKey(id, n), Topics.chunkPartition(id, n));
            }
        }
    }

    @Test
    void anItemLargerThanTheBudgetGoesAloneAndOrderIsKept() {
        Random random = new Random(2);
        ChunkRecord small = chunk(random, 10);
        ChunkRecord huge = chunk(random, ChunkBatches.MAX_BYTES);
        ChunkRecord after = chunk(random, 10);
        assertEquals(List.of(List.of(small), List.of(huge), List.of(after)),
                ChunkBatches.inOrder(List.of(small, huge, after), ChunkBatches::bytes));
        assertEquals(List.of(List.of(small, after)), ChunkBatches.inOrder(List.of(small, after), ChunkBatches::bytes));
    }
}
