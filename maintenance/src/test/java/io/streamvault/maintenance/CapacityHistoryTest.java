package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ForwardingStorage;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capacity history on a real vault: what forget and garbage collection record, how the documents
 * are merged, what a reader does with damaged or duplicated ones, and the background recorder that
 * follows backups.
 */
class CapacityHistoryTest {
    @TempDir
    Path tmp;
    TestVault tv;
    String s1;
    String s2;

    @BeforeEach
    void vault() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("a.bin"), CapacityTest.random(200_000, 1));
        tv = TestVault.create(tmp.resolve("vault"), 64 << 10).dedupAcrossPacks();
        s1 = tv.backup(src, "h", List.of("plan:nightly"));
        Files.write(src.resolve("a.bin"), CapacityTest.random(200_000, 2));
        s2 = tv.backup(src, "h", List.of("plan:nightly"));
    }

    private List<CapacityHistory.Entry> history() {
        List<StreamVaultException> errors = new ArrayList<>();
        List<CapacityHistory.Entry> out = CapacityHistory.read(tv.vault, null, errors::add);
        assertEquals(List.of(), errors);
        return out;
    }

    private int documents() {
        return tv.vault.list(ObjectKind.CAPACITY).objects().size();
    }

    @Test
    void aMeasurementThatRunsOutOfMemoryFailsNeitherTheForgetNorItsRecorder() {
        // A vault too large for the heap (5,000,000 files in 1 GiB, docs/performance.md): the record is
        // a warning, the snapshots are forgotten, and the command succeeds.
        Storage starved = new ForwardingStorage(Storages.open(tmp.resolve("vault").toString())) {
            @Override
            public List<ObjectInfo> list(String prefix) {
                if (prefix.startsWith(ObjectKind.INDEX.prefix())) {
                    throw new OutOfMemoryError("Java heap space (test)");
                }
                return super.list(prefix);
            }
        };
        try (Vault vault = Vault.open(starved, TestVault.PASSWORD)) {
            assertNull(CapacityHistory.recordQuietly(vault, CapacityHistory.Trigger.FORGET, List.of(), null));
            Forget.remove(vault, List.of(s1));
            assertTrue(vault.list(ObjectKind.SNAPSHOT).objects().stream().noneMatch(o -> o.id().equals(s1)));
        }
        assertEquals(List.of(), history(), "nothing recorded");
    }

    @Test
    void forgetAndCollectionRecordTheCapacityAndTheCollectionMergesTheMonthsDocuments() throws IOException {
        Forget.remove(tv.vault, List.of(s1));
        List<CapacityHistory.Entry> h = history();
        assertEquals(1, h.size());
        assertEquals(CapacityHistory.Trigger.FORGET, h.get(0).trigger());
        assertEquals(List.of(s1), h.get(0).snapshots());
        assertNull(h.get(0).run());
        assertTrue(h.get(0).capacity().unusedBytes() > 150_000, "s1's a.bin waits for a collection");
        CapacityTest.assertAddsUp(h.get(0).capacity());

        long before = CapacityTest.onDisk(tmp.resolve("vault"));
        GarbageCollector.Result r = new GarbageCollector(tv.vault, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                .run(GarbageCollector.Progress.none());
        assertEquals(before - CapacityTest.onDisk(tmp.resolve("vault")), r.bytesFreed(),
                "bytes freed: what the storage lost, the run's capacity record included");
        h = history();
        assertEquals(List.of(CapacityHistory.Trigger.FORGET, CapacityHistory.Trigger.GC),
                h.stream().map(CapacityHistory.Entry::trigger).toList());
        assertEquals(r.run(), h.get(1).run());
        assertEquals(List.of(), h.get(1).snapshots());
        assertEquals(0, h.get(1).capacity().unusedBytes());
        assertEquals(1, h.get(1).capacity().snapshots());
        assertEquals(1, documents(), "the month's two records merged into one document");
        // a record measures the vault before it is written: the next one sees it
        assertEquals(CapacityTest.onDisk(tmp.resolve("vault")) - tv.vault.list(ObjectKind.CAPACITY).bytes(),
                h.get(1).capacity().storedBytes() - h.get(1).capacity().byKind().get(ObjectKind.CAPACITY));

        GarbageCollector.Result again = new GarbageCollector(tv.vault, GcCoordinator.alone(),
                GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
        assertEquals(0, again.bytesFreed());
        assertEquals(2, history().size(), "a collection that changed nothing records nothing");
        GarbageCollector.Result dry = new GarbageCollector(tv.vault, GcCoordinator.alone(),
                GarbageCollector.Options.defaults().withDryRun(true)).run(GarbageCollector.Progress.none());
        assertTrue(dry.dryRun());
        assertEquals(2, history().size(), "nor does a dry run");
    }

    @Test
    void aRecordInTwoDocumentsIsReadOnceAndADamagedDocumentIsReportedAndSkipped() {
        CapacityHistory.Entry e = CapacityHistory.record(tv.vault, CapacityHistory.Trigger.BACKUP, List.of(s2), null);
        // a merge that wrote its document and crashed before deleting the ones it merged
        tv.vault.writeDocument(ObjectKind.CAPACITY, CapacityHistory.encode(List.of(e, e)));
        tv.vault.writeDocument(ObjectKind.CAPACITY, "{\"version\":1,\"records\":[{\"id\":\"x\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        tv.vault.writeDocument(ObjectKind.CAPACITY, "{\"version\":2,\"records\":[]}".getBytes(StandardCharsets.UTF_8));
        List<StreamVaultException> errors = new ArrayList<>();
        List<CapacityHistory.Entry> h = CapacityHistory.read(tv.vault, null, errors::add);
        assertEquals(List.of(e), h);
        assertEquals(2, errors.size(), errors.toString());
        for (StreamVaultException x : errors) {
            assertEquals(ErrorCode.CORRUPT_OBJECT, x.code());
            assertTrue(x.getMessage().contains("capacity/"), x.getMessage());
        }
        assertTrue(errors.stream().anyMatch(x -> x.getMessage().contains("version 2")), errors.toString());
        assertEquals(List.of(), CapacityHistory.read(tv.vault, e.time().plusMillis(1), x -> { }), "since");
        assertEquals(List.of(e), CapacityHistory.read(tv.vault, e.time(), x -> { }));

        assertEquals(2, CapacityHistory.compact(tv.vault), "the two documents holding e become one; the damaged ones stay");
        assertEquals(List.of(e), CapacityHistory.read(tv.vault, null, x -> { }));
        assertEquals(3, documents());
    }

    @Test
    void recordsSurviveEncodingWithEveryField() {
        CapacityHistory.Entry e = CapacityHistory.record(tv.vault, CapacityHistory.Trigger.FORGET, List.of(s1, s2), null);
        assertEquals(List.of(e), CapacityHistory.read(tv.vault, null, x -> { }));
        assertEquals(List.of(e), CapacityHistory.decode(CapacityHistory.encode(List.of(e))));
    }

    @Test
    void sinceTakesATimeADateOrADurationBackFromNow() {
        Instant now = Instant.parse("2025-06-10T12:00:00Z");
        assertEquals(Instant.parse("2025-06-01T08:00:00Z"), CapacityHistory.since("--since", "2025-06-01T10:00:00+02:00", now));
        assertEquals(Instant.parse("2025-06-01T00:00:00Z"), CapacityHistory.since("--since", "2025-06-01", now));
        assertEquals(Instant.parse("2025-05-11T12:00:00Z"), CapacityHistory.since("--since", "30d", now));
        assertEquals(Instant.parse("2025-06-10T00:00:00Z"), CapacityHistory.since("--since", "12h", now));
        for (String bad : List.of("yesterday", "2025-13-01", "2025-06-01T25:00:00Z", "", "0d")) {
            FatalException x = assertThrows(FatalException.class, () -> CapacityHistory.since("--since", bad, now));
            assertEquals(ErrorCode.INVALID_ARGUMENT, x.code());
            assertTrue(x.getMessage().startsWith("--since \"" + bad + "\""), x.getMessage());
        }
    }

    @Test
    void theRecorderCoversSealsThatComeTooSoonWithOneRecordAndRecordsThemWhenClosed() throws Exception {
        try (CapacityRecorder recorder = new CapacityRecorder(tv.vault, 3_600_000)) {
            recorder.sealed(s1);
            long deadline = System.currentTimeMillis() + 30_000;
            while (documents() == 0) {
                assertTrue(System.currentTimeMillis() < deadline, "the first seal is recorded at once");
                Thread.sleep(20);
            }
            recorder.sealed(s2);
            recorder.sealed("c".repeat(64));
            recorder.sealed(s2);
            Thread.sleep(300);
            assertEquals(1, history().size(), "within the hour: waiting");
        }
        List<CapacityHistory.Entry> h = history();
        assertEquals(2, h.size(), "closing recorded what waited");
        assertEquals(List.of(s1), h.get(0).snapshots());
        assertEquals(List.of(s2, "c".repeat(64)), h.get(1).snapshots(), "one record for both, in order, once each");
        assertTrue(h.stream().allMatch(e -> e.trigger() == CapacityHistory.Trigger.BACKUP));
        for (VaultObject o : tv.vault.list(ObjectKind.CAPACITY).objects()) {
            assertTrue(o.size() > 0);
        }
        Map<String, Long> shares = new HashMap<>();
        h.get(1).capacity().shares().forEach(s -> shares.put(s.name(), s.storedBytes()));
        assertTrue(shares.get("nightly") > 300_000, shares.toString());
    }
}
