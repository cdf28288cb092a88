package io.streamvault.maintenance;

import static io.streamvault.maintenance.SnapshotFixtures.bytes;
import static io.streamvault.maintenance.SnapshotFixtures.complete;
import static io.streamvault.maintenance.SnapshotFixtures.snapshot;
import static io.streamvault.maintenance.SnapshotFixtures.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON forms, field by field and in order: they are the {@code --json} output of the commands
 * and the bodies of the HTTP API, which scripts read.
 */
class ReportsTest {
    static final String A = "a".repeat(64);
    static final String B = "b".repeat(64);
    static final String C = "c".repeat(64);

    @Test
    void aForgetPlanListsEveryGroupAndSnapshotThenTheRemovals() {
        List<SnapshotRef> snaps = List.of(complete(A, utc("2025-04-21T11:00")), complete(B, utc("2025-04-22T11:00")),
                snapshot(C, utc("2025-04-20T10:00:00.5"), null, bytes("/x\ny"), List.of(), true));
        Forget.Plan plan = Forget.byPolicy(snaps, RetentionPolicy.builder().keepTag("keep").build(),
                utc("2025-05-01T00:00"));
        assertEquals("{\"dry_run\":true,\"groups\":["
                + "{\"group\":\"host= path=/x\\\\ny\",\"removes_all\":true,\"snapshots\":["
                + "{\"id\":\"" + C + "\",\"time\":\"2025-04-20T10:00:00.500Z\",\"host\":null,\"path\":\"/x\\\\ny\","
                + "\"incomplete\":true,\"action\":\"remove\",\"reasons\":[]}]},"
                + "{\"group\":\"host=node1 path=/data\",\"removes_all\":false,\"snapshots\":["
                + "{\"id\":\"" + B + "\",\"time\":\"2025-04-22T11:00:00Z\",\"host\":\"node1\",\"path\":\"/data\","
                + "\"incomplete\":false,\"action\":\"keep\",\"reasons\":[\"newest complete\"]},"
                + "{\"id\":\"" + A + "\",\"time\":\"2025-04-21T11:00:00Z\",\"host\":\"node1\",\"path\":\"/data\","
                + "\"incomplete\":false,\"action\":\"remove\",\"reasons\":[]}]}],"
                + "\"removed\":[\"" + C + "\",\"" + A + "\"],\"kept\":1,\"bytes_freed\":1234}",
                Reports.forget(plan, true, 1234, null).toString());
    }

    @Test
    void aForgetWithPruneCarriesTheCollection() {
        Forget.Plan plan = Forget.byPolicy(List.of(complete(A, utc("2025-04-21T11:00"))),
                RetentionPolicy.builder().keepLast(1).build(), utc("2025-05-01T00:00"));
        GarbageCollector.Result gc = result();
        assertEquals("{\"dry_run\":false,\"groups\":[{\"group\":\"host=node1 path=/data\",\"removes_all\":false,"
                + "\"snapshots\":[{\"id\":\"" + A + "\",\"time\":\"2025-04-21T11:00:00Z\",\"host\":\"node1\","
                + "\"path\":\"/data\",\"incomplete\":false,\"action\":\"keep\",\"reasons\":[\"last\",\"newest complete\"]}]}],"
                + "\"removed\":[],\"kept\":1,\"bytes_freed\":0,\"gc\":" + Reports.gc(gc) + "}",
                Reports.forget(plan, false, 0, gc).toString());
    }

    static GarbageCollector.Result result() {
        return new GarbageCollector.Result("run-1", false, 3, 40, 2, 10, 4, 1, 5, 1, 2, 7, 1, 1_000_000, 600_000, 1500);
    }

    @Test
    void aCollectionNamesEveryCount() {
        assertEquals("{\"run\":\"run-1\",\"dry_run\":false,\"snapshots\":3,\"chunks_forgotten\":40,\"chunks_spared\":2,"
                + "\"packs_before\":10,\"packs_deleted\":4,\"packs_repacked\":1,\"packs_written\":2,\"packs_kept\":5,"
                + "\"unindexed_packs_deleted\":1,\"index_objects_before\":7,\"index_objects_after\":1,"
                + "\"bytes_before\":1000000,\"bytes_freed\":600000,\"duration_ms\":1500}", Reports.gc(result()).toString());
    }

    @Test
    void statisticsGiveTheVaultThenTheShownSnapshots() {
        Map<ObjectKind, Long> byKind = new EnumMap<>(ObjectKind.class);
        long b = 1;
        for (ObjectKind k : ObjectKind.values()) {
            byKind.put(k, b++);
        }
        Stats.SnapshotStats sa = new Stats.SnapshotStats(A, 2, 100, 80, 90, 30, 50);
        Stats.SnapshotStats sb = new Stats.SnapshotStats(B, 3, 200, 150, 160, 70, 120);
        Stats.Result r = new Stats.Result(new Stats.VaultStats(2, 21, byKind, 300, 180, 200, 10, 1.5, 1.25),
                List.of(sa, sb));
        assertEquals("{\"vault\":{\"snapshots\":2,\"stored_bytes\":21,\"stored_bytes_by_kind\":{\"config\":1,\"key\":2,"
                + "\"pack\":3,\"index\":4,\"dictionary\":5,\"snapshot\":6,\"lock\":7,\"plan\":8,\"capacity\":9},"
                + "\"logical_bytes\":300,"
                + "\"referenced_stored_bytes\":180,\"referenced_raw_bytes\":200,\"unused_bytes\":10,\"dedup_ratio\":1.5,"
                + "\"compression_ratio\":1.25},\"snapshots\":[{\"id\":\"" + B + "\",\"files\":3,\"logical_bytes\":200,"
                + "\"stored_bytes\":150,\"raw_bytes\":160,\"unique_bytes\":70,\"added_bytes\":120}]}",
                Reports.stats(r, List.of(sb)).toString());
    }

    static Capacity capacity() {
        Map<ObjectKind, Long> byKind = new EnumMap<>(ObjectKind.class);
        byKind.put(ObjectKind.PACK, 1000L);
        byKind.put(ObjectKind.INDEX, 73L);
        return new Capacity(3, 1073, byKind, 4000, 900, 1800, 60, List.of(
                new Capacity.Share("alpha", Capacity.Kind.PLAN, 500, 300, 200),
                new Capacity.Share(Capacity.NO_PLAN, Capacity.Kind.NO_PLAN, 400, 200, 200),
                new Capacity.Share(Capacity.UNUSED, Capacity.Kind.UNUSED, 60, 60, 0),
                new Capacity.Share(Capacity.METADATA, Capacity.Kind.METADATA, 113, 113, 0)));
    }

    @Test
    void capacityGivesTheVaultThenEveryShareWithItsCostThenThePrice() {
        Capacity.Price price = new Capacity.Price(2.5, "EUR");
        double gb = 1L << 30;
        assertEquals("{\"vault\":{\"snapshots\":3,\"stored_bytes\":1073,\"logical_bytes\":4000,\"unused_bytes\":60,"
                + "\"dedup_ratio\":" + 4000 / 1800.0 + ",\"compression_ratio\":2.0,\"monthly_cost\":" + 1073 / gb * 2.5 + "},"
                + "\"plans\":[{\"plan\":\"alpha\",\"kind\":\"plan\",\"stored_bytes\":500,\"unique_bytes\":300,"
                + "\"shared_bytes\":200,\"monthly_cost\":" + 500 / gb * 2.5 + "},"
                + "{\"plan\":\"(no plan)\",\"kind\":\"no_plan\",\"stored_bytes\":400,\"unique_bytes\":200,"
                + "\"shared_bytes\":200,\"monthly_cost\":" + 400 / gb * 2.5 + "},"
                + "{\"plan\":\"(unused)\",\"kind\":\"unused\",\"stored_bytes\":60,\"unique_bytes\":60,"
                + "\"shared_bytes\":0,\"monthly_cost\":" + 60 / gb * 2.5 + "},"
                + "{\"plan\":\"(metadata)\",\"kind\":\"metadata\",\"stored_bytes\":113,\"unique_bytes\":113,"
                + "\"shared_bytes\":0,\"monthly_cost\":" + 113 / gb * 2.5 + "}],"
                + "\"price_per_gb_month\":2.5,\"currency\":\"EUR\"}", Reports.capacity(capacity(), price).toString());
    }

    @Test
    void historyGivesEachRecordWithItsSharesByName() {
        CapacityHistory.Entry gc = new CapacityHistory.Entry("r1", Instant.parse("2025-06-01T10:00:00Z"),
                CapacityHistory.Trigger.GC, List.of(), "run-1", capacity());
        CapacityHistory.Entry backup = new CapacityHistory.Entry("r2", Instant.parse("2025-06-01T11:00:00.5Z"),
                CapacityHistory.Trigger.BACKUP, List.of(A, B), null, capacity());
        String figures = "\"snapshot_count\":3,\"stored_bytes\":1073,\"logical_bytes\":4000,\"unused_bytes\":60,"
                + "\"dedup_ratio\":" + 4000 / 1800.0 + ",\"compression_ratio\":2.0,\"monthly_cost\":0.0,"
                + "\"plans\":{\"alpha\":500,\"(no plan)\":400,\"(unused)\":60,\"(metadata)\":113}}";
        assertEquals("[{\"time\":\"2025-06-01T10:00:00Z\",\"trigger\":\"gc\",\"snapshots\":[],\"run\":\"run-1\","
                + figures + ",{\"time\":\"2025-06-01T11:00:00.500Z\",\"trigger\":\"backup\",\"snapshots\":[\"" + A
                + "\",\"" + B + "\"],\"run\":null," + figures + "]",
                Reports.history(List.of(gc, backup), new Capacity.Price(0, "USD")).toString());
    }
}
