package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.restore.Restorer;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ForwardingStorage;
import io.streamvault.vault.Node;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collection on real vaults without Kafka: what it frees, what it keeps, and that what
 * remains restores exactly and checks clean; the races of docs/gc.md played deterministically
 * through the coordinator; a run killed at every deletion, completed by the next.
 */
class GarbageCollectorTest {
    private static final int CHUNK = 64 << 10;
    @TempDir
    Path tmp;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path tree(String name, Map<String, byte[]> files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        return dir;
    }

    /** Two snapshots sharing one file; the first has a file of its own. */
    private record Two(Path vaultDir, Path src1, Path src2, String s1, String s2) {
    }

    private Two twoSnapshots() throws IOException {
        Path src1 = tree("src1", Map.of("own.bin", random(1 << 20, 1), "shared/b.bin", random(300_000, 2)));
        Path src2 = tree("src2", Map.of("shared/b.bin", random(300_000, 2), "c.bin", random(200_000, 3)));
        Path dir = tmp.resolve("vault");
        try (TestVault tv = TestVault.create(dir, CHUNK)) {
            String s1 = tv.backup(src1, "h");
            tv.flush();
            String s2 = tv.backup(src2, "h");
            return new Two(dir, src1, src2, s1, s2);
        }
    }

    private static Vault open(Storage storage) {
        return Vault.open(storage, TestVault.PASSWORD);
    }

    private static long bytes(Path vaultDir) {
        try (Vault v = open(Storages.open(vaultDir.toString()))) {
            long n = 0;
            for (ObjectKind k : ObjectKind.values()) {
                n += v.list(k).bytes();
            }
            return n;
        }
    }

    private void assertRestores(Vault vault, String snapshot, Path src) throws IOException {
        Path target = Files.createTempDirectory(tmp, "restore");
        SnapshotRef ref = vault.loadSnapshot(snapshot);
        Restorer.Result r = new Restorer(vault, vault.loadIndex()).restore(ref, target);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(contents(src), contents(target));
    }

    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), BlobId.of(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p))).hex());
                }
            }
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static void assertClean(Vault vault) {
        Checker.Result c = new Checker(vault, Checker.Options.readAll()).run((phase, done, total, read) -> { });
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    @Test
    void forgettingASnapshotFreesWhatOnlyItUsedAndTheOtherRestoresExactly() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            long before = bytes(v.vaultDir());
            GarbageCollector.Result r = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertTrue(r.packsDeleted() + r.packsRepacked() > 0, r.toString());
            assertTrue(r.bytesFreed() > 1_000_000, "the 1 MiB file only the forgotten snapshot had: " + r);
            assertEquals(before - bytes(v.vaultDir()), r.bytesFreed(), "bytesFreed is what the storage lost");
            assertClean(vault);
            assertRestores(vault, v.s2(), v.src2());

            GarbageCollector.Result again = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(0, again.packsDeleted() + again.packsRepacked() + again.unindexedPacksDeleted(), again.toString());
            assertEquals(0, again.bytesFreed());
        }
    }

    @Test
    void aDryRunPredictsAndChangesNothing() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            long before = bytes(v.vaultDir());
            GarbageCollector.Result dry = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults().withDryRun(true)).run(GarbageCollector.Progress.none());
            assertEquals(before, bytes(v.vaultDir()), "a dry run writes and deletes nothing");
            GarbageCollector.Result real = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(dry.packsDeleted(), real.packsDeleted());
            assertEquals(dry.packsRepacked(), real.packsRepacked());
            // the prediction counts packs; the run also rewrites the index: within a few KiB
            assertTrue(Math.abs(dry.bytesFreed() - real.bytesFreed()) < 16 << 10, dry + " vs " + real);
        }
    }

    /** A coordinator that plays a backup's part at the barrier, and may spare ids. */
    private static final class Scripted implements GcCoordinator {
        private final Runnable atBegin;
        private final Runnable atBarrier;
        private final Set<BlobId> spare;
        final AtomicInteger begun = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        /** What happens when the run takes the collector role (it may throw what fence throws). */
        Runnable atFence = () -> { };

        Scripted(Runnable atBarrier, Set<BlobId> spare) {
            this(() -> { }, atBarrier, spare);
        }

        /** {@code atBegin}: what happens while the catalog tasks answer (it may throw what begin throws). */
        Scripted(Runnable atBegin, Runnable atBarrier, Set<BlobId> spare) {
            this.atBegin = atBegin;
            this.atBarrier = atBarrier;
            this.spare = spare;
        }

        @Override
        public void fence(String run) {
            atFence.run();
        }

        @Override
        public void begin(String run) {
            atBegin.run();
            begun.incrementAndGet();
        }

        @Override
        public Set<BlobId> forget(String run, Iterator<BlobId> ids) {
            HashSet<BlobId> out = new HashSet<>();
            ids.forEachRemaining(id -> {
                if (spare.contains(id)) {
                    out.add(id);
                }
            });
            return out;
        }

        @Override
        public void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting) {
            atBarrier.run();
        }

        @Override
        public void checkOwner(String run) {
        }

        @Override
        public void end(String run) {
            ended.incrementAndGet();
        }

        @Override
        public void close() {
        }
    }

    private static List<BlobId> contentOf(Vault vault, String snapshot, String file) {
        var index = vault.loadIndex();
        Tree top = vault.decodeTree(vault.readBlob(index.find(vault.loadSnapshot(snapshot).snapshot().tree(),
                BlobType.TREE).orElseThrow()));
        Tree root = vault.decodeTree(vault.readBlob(index.find(top.nodes().get(0).subtree(), BlobType.TREE).orElseThrow()));
        for (Node n : root.nodes()) {
            if (RawPaths.display(n.name()).equals(file)) {
                return n.content();
            }
        }
        throw new AssertionError("no " + file);
    }

    @Test
    void aBlobThatABackupSealedDuringTheRunReferencesSurvives() throws IOException {
        Two v = twoSnapshots();
        Path dir = v.vaultDir();
        try (Vault vault = open(Storages.open(dir.toString()))) {
            List<BlobId> own = contentOf(vault, v.s1(), "own.bin");
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            String[] sealed = new String[1];
            // The worst case: a backup that started before the run found own.bin's chunks stored
            // (dedup answered before the run forgot them), and seals after the run's first mark.
            Runnable backupSeals = () -> sealed[0] = sealLate(dir, own);
            Scripted c = new Scripted(backupSeals, Set.of());
            new GarbageCollector(vault, c, GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(1, c.begun.get());
            assertEquals(1, c.ended.get());
            assertClean(vault);
            Path expected = tree("late-src", Map.of("own.bin", random(1 << 20, 1)));
            assertRestores(vault, sealed[0], expected);
            assertRestores(vault, v.s2(), v.src2());
        }
    }

    /**
     * The worst case's backup: one that found own.bin's chunks stored (dedup answered before the run
     * forgot them) and seals a snapshot of them now; its id.
     */
    private static String sealLate(Path dir, List<BlobId> own) {
        try (TestVault tv = TestVault.open(dir, CHUNK)) {
            BlobId sub = tv.tree(List.of(TestVault.file("own.bin".getBytes(), own, 1 << 20, 1_000)));
            BlobId top = tv.tree(List.of(TestVault.dir("late".getBytes(), sub, 1_000)));
            return tv.snapshot(top, "/late".getBytes(), "h");
        }
    }

    /** The vault's storage, telling {@code onList} each prefix it has listed (once listed). */
    private static Storage listing(Path dir, Consumer<String> onList) {
        return new ForwardingStorage(Storages.open(dir.toString())) {
            @Override
            public List<ObjectInfo> list(String prefix) {
                List<ObjectInfo> out = super.list(prefix);
                onList.accept(prefix);
                return out;
            }
        };
    }

    @Test
    void aSnapshotSealedWhileTheCatalogTasksAnswerSurvives() throws IOException {
        Two v = twoSnapshots();
        Path dir = v.vaultDir();
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch listed = new CountDownLatch(1);
        Storage watched = listing(dir, prefix -> {
            if (armed.get() && prefix.startsWith(ObjectKind.SNAPSHOT.prefix())) {
                listed.countDown();
            }
        });
        try (Vault vault = open(watched)) {
            List<BlobId> own = contentOf(vault, v.s1(), "own.bin");
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            String[] sealed = new String[1];
            // The catalog tasks answer STRICT_ON slowly: the run lists the snapshots meanwhile (and
            // marks them), and a backup whose job started before the run (so the barrier waits for it)
            // seals own.bin's chunks, reusing what the run has not marked, before the answers are in.
            Runnable slowAnswers = () -> {
                try {
                    assertTrue(listed.await(30, TimeUnit.SECONDS), "the run listed the snapshots");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                sealed[0] = sealLate(dir, own);
            };
            Scripted c = new Scripted(slowAnswers, () -> { }, Set.of());
            armed.set(true);
            new GarbageCollector(vault, c, GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(1, c.ended.get());
            assertClean(vault);
            assertRestores(vault, sealed[0], tree("late-src", Map.of("own.bin", random(1 << 20, 1))));
            assertRestores(vault, v.s2(), v.src2());
        }
    }

    @Test
    void aRunWhoseBeginFailsDeletesNothingAndSaysWhy() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
        }
        long before = bytes(v.vaultDir());
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            Scripted c = new Scripted(() -> {
                throw new FatalException(ErrorCode.FENCED, "another collector took over");
            }, () -> { }, Set.of());
            FatalException e = assertThrows(FatalException.class, () -> new GarbageCollector(vault, c,
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none()));
            assertEquals(ErrorCode.FENCED, e.code());
            assertEquals(0, c.ended.get(), "a run that never began is not ended");
        }
        assertEquals(before, bytes(v.vaultDir()), "nothing was written or deleted");
    }

    @Test
    void theRunTakesTheCollectorRoleBeforeItListsAnything() throws IOException {
        Two v = twoSnapshots();
        AtomicBoolean fenced = new AtomicBoolean();
        List<String> listedBefore = new ArrayList<>();
        Storage watched = listing(v.vaultDir(), prefix -> {
            if (!fenced.get()) {
                listedBefore.add(prefix);
            }
        });
        try (Vault vault = open(watched)) {
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            listedBefore.clear();
            // An earlier collector still deleting must be fenced before this run takes its view of the
            // packs, the index and the snapshots (docs/gc.md, step 1).
            Scripted c = new Scripted(() -> { }, Set.of());
            c.atFence = () -> fenced.set(true);
            new GarbageCollector(vault, c, GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(List.of(), listedBefore, "listed before the fence");

            Scripted refused = new Scripted(() -> { }, Set.of());
            refused.atFence = () -> {
                throw new FatalException(ErrorCode.FENCED, "another collector took over");
            };
            fenced.set(false);
            FatalException e = assertThrows(FatalException.class, () -> new GarbageCollector(vault, refused,
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none()));
            assertEquals(ErrorCode.FENCED, e.code());
            assertEquals(List.of(), listedBefore, "a run that could not take the role lists nothing");
            assertEquals(0, refused.begun.get() + refused.ended.get());
        }
    }

    private static Set<String> packIds(Vault vault) {
        Set<String> ids = new HashSet<>();
        vault.list(ObjectKind.PACK).objects().forEach(o -> ids.add(o.id()));
        return ids;
    }

    /**
     * The index records a blob in two packs and one of them is gone (a collection that ran before this
     * one deleted it after this run loaded its index): the other copy is live, whichever entry the mark
     * reached. Both ways round, so that one of them has the mark on the missing copy; with both gone,
     * the run stops.
     */
    @Test
    void aLiveBlobWhosePackWentMissingIsKeptInItsOtherCopy() throws IOException {
        byte[] data = random(300_000, 9);
        Path base = tmp.resolve("dup-vault");
        List<String> dataPacks = new ArrayList<>();
        String snap;
        try (TestVault tv = TestVault.create(base, CHUNK)) {
            List<BlobId> ids = tv.content(data);
            tv.flush();
            Set<String> first = packIds(tv.vault);
            tv.content(data); // the same chunks again, in a pack of their own
            tv.flush();
            Set<String> second = packIds(tv.vault);
            second.removeAll(first);
            dataPacks.add(first.iterator().next());
            dataPacks.add(second.iterator().next());
            BlobId sub = tv.tree(List.of(TestVault.file("d.bin".getBytes(), ids, data.length, 1_000)));
            BlobId top = tv.tree(List.of(TestVault.dir("d".getBytes(), sub, 1_000)));
            snap = tv.snapshot(top, "/d".getBytes(), "h");
        }
        Path expected = tree("dup-src", Map.of("d.bin", data));
        for (String gone : dataPacks) {
            Path dir = tmp.resolve("dup-" + gone.substring(0, 8));
            copy(base, dir);
            try (Vault vault = open(Storages.open(dir.toString()))) {
                vault.delete(ObjectKind.PACK, gone);
                new GarbageCollector(vault, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                        .run(GarbageCollector.Progress.none());
                assertRestores(vault, snap, expected);
                assertClean(vault);
            }
        }
        // Both copies gone: the vault is damaged, and the run deletes nothing.
        Path dir = tmp.resolve("dup-both");
        copy(base, dir);
        try (Vault vault = open(Storages.open(dir.toString()))) {
            dataPacks.forEach(p -> vault.delete(ObjectKind.PACK, p));
            long before = bytes(dir);
            StreamVaultException e = assertThrows(StreamVaultException.class, () -> new GarbageCollector(vault,
                    GcCoordinator.alone(), GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none()));
            assertEquals(ErrorCode.VAULT_DAMAGED, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("recorded only in packs that are missing"), e.getMessage());
            assertEquals(before, bytes(dir), "nothing deleted");
        }
    }

    @Test
    void aCapacityRecordLeftToTheCallerIsWrittenWhenItRuns() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            List<Runnable> later = new ArrayList<>();
            GarbageCollector.Result r = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults(), later::add).run(GarbageCollector.Progress.none());
            assertTrue(r.bytesFreed() > 0, r.toString());
            assertEquals(1, later.size(), "the record is handed over");
            assertTrue(CapacityHistory.read(vault, null, e -> { }).isEmpty(), "and not written by the run");
            later.get(0).run();
            List<CapacityHistory.Entry> h = CapacityHistory.read(vault, null, e -> { });
            assertEquals(1, h.size(), h.toString());
            assertEquals(CapacityHistory.Trigger.GC, h.get(0).trigger());
            assertEquals(r.run(), h.get(0).run());
            assertEquals(vault.list(ObjectKind.PACK).bytes(), h.get(0).capacity().byKind().get(ObjectKind.PACK));
        }
    }

    @Test
    void anIdDedupSparesKeepsItsBlob() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            List<BlobId> own = contentOf(vault, v.s1(), "own.bin");
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            new GarbageCollector(vault, new Scripted(() -> { }, Set.of(own.get(3))), GarbageCollector.Options.defaults())
                    .run(GarbageCollector.Progress.none());
            var index = vault.loadIndex();
            assertTrue(index.find(own.get(3), BlobType.DATA).isPresent(), "the spared chunk is still recorded");
            vault.readBlob(index.find(own.get(3), BlobType.DATA).orElseThrow());
            assertTrue(index.find(own.get(4), BlobType.DATA).isEmpty(), "its unspared neighbours are gone");
            assertClean(vault);
        }
    }

    @Test
    void aDamagedVaultIsNotCollected() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            var index = vault.loadIndex();
            BlobId top = vault.loadSnapshot(v.s2()).snapshot().tree();
            String pack = index.find(top, BlobType.TREE).orElseThrow().pack();
            vault.delete(ObjectKind.PACK, pack);
            vault.delete(ObjectKind.SNAPSHOT, v.s1());
            long before = bytes(v.vaultDir());
            StreamVaultException e = assertThrows(StreamVaultException.class, () -> new GarbageCollector(vault,
                    GcCoordinator.alone(), GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none()));
            assertEquals(ErrorCode.VAULT_DAMAGED, e.code(), e.getMessage());
            assertEquals(before, bytes(v.vaultDir()), "nothing deleted");
        }
    }

    @Test
    void aRunKilledBeforeItsCapacityRecordLeavesTheRecordToTheNext() throws IOException {
        Two v = twoSnapshots();
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            CapacityHistory.record(vault, CapacityHistory.Trigger.BACKUP, List.of(v.s1(), v.s2()), null);
        }
        // the collection deletes, then its process dies before the record is written
        try (Vault dying = open(new NoCapacityWrites(Storages.open(v.vaultDir().toString())))) {
            dying.delete(ObjectKind.SNAPSHOT, v.s1());
            GarbageCollector.Result r = new GarbageCollector(dying, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertTrue(r.bytesFreed() > 0, r.toString());
        }
        try (Vault vault = open(Storages.open(v.vaultDir().toString()))) {
            assertEquals(1, CapacityHistory.read(vault, null, e -> { }).size(), "the killed run recorded nothing");
            GarbageCollector.Result next = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(0, next.packsDeleted() + next.packsRepacked(), "nothing left to delete: " + next);
            List<CapacityHistory.Entry> h = CapacityHistory.read(vault, null, e -> { });
            assertEquals(2, h.size(), h.toString());
            assertEquals(CapacityHistory.Trigger.GC, h.get(1).trigger());
            assertEquals(next.run(), h.get(1).run());
            assertEquals(vault.list(ObjectKind.PACK).bytes(), h.get(1).capacity().byKind().get(ObjectKind.PACK));

            GarbageCollector.Result third = new GarbageCollector(vault, GcCoordinator.alone(),
                    GarbageCollector.Options.defaults()).run(GarbageCollector.Progress.none());
            assertEquals(2, CapacityHistory.read(vault, null, e -> { }).size(), "an up-to-date record is not repeated");
            assertEquals(0, third.bytesFreed());
        }
    }

    /** A storage that refuses to write capacity records, as if the process died before them. */
    private static final class NoCapacityWrites extends ForwardingStorage {
        NoCapacityWrites(Storage s) {
            super(s);
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data) {
            if (name.startsWith(ObjectKind.CAPACITY.prefix())) {
                throw new FatalException(ErrorCode.CANCELLED, "killed before writing " + name);
            }
            return super.putIfAbsent(name, data);
        }
    }

    /** A storage whose deletions fail after a number of them, as if the process died there. */
    private static final class DyingStorage extends ForwardingStorage {
        private final AtomicInteger left;

        DyingStorage(Storage s, int deletions) {
            super(s);
            this.left = new AtomicInteger(deletions);
        }

        @Override
        public void delete(String name) {
            if (left.getAndDecrement() <= 0) {
                throw new FatalException(ErrorCode.CANCELLED, "killed before deleting " + name);
            }
            super.delete(name);
        }
    }

    @Test
    void aRunKilledAtAnyDeletionIsCompletedByTheNext() throws IOException {
        Two template = twoSnapshots();
        long clean;
        Path ref = tmp.resolve("reference");
        copy(template.vaultDir(), ref);
        try (Vault vault = open(Storages.open(ref.toString()))) {
            vault.delete(ObjectKind.SNAPSHOT, template.s1());
            new GarbageCollector(vault, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                    .run(GarbageCollector.Progress.none());
            clean = bytes(ref);
        }
        for (int k = 1; k <= 8; k++) { // the first deletion is the snapshot's, then index objects, then packs
            Path dir = tmp.resolve("killed-" + k);
            copy(template.vaultDir(), dir);
            try (Vault dying = open(new DyingStorage(Storages.open(dir.toString()), k))) {
                try {
                    dying.delete(ObjectKind.SNAPSHOT, template.s1());
                    new GarbageCollector(dying, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                            .run(GarbageCollector.Progress.none());
                } catch (FatalException e) {
                    assertEquals(ErrorCode.CANCELLED, e.code(), e.getMessage());
                }
            }
            try (Vault vault = open(Storages.open(dir.toString()))) {
                vault.delete(ObjectKind.SNAPSHOT, template.s1());
                new GarbageCollector(vault, GcCoordinator.alone(), GarbageCollector.Options.defaults())
                        .run(GarbageCollector.Progress.none());
                assertClean(vault);
                assertRestores(vault, template.s2(), template.src2());
                assertEquals(0, vault.list(ObjectKind.PACK).objects().stream().filter(o -> !indexed(vault, o)).count(),
                        "no pack is left outside the index");
            }
            // the same content as a run that was never killed, give or take index objects' sizes
            assertTrue(Math.abs(bytes(dir) - clean) < 16 << 10, "killed at " + k + ": " + bytes(dir) + " vs " + clean);
        }
    }

    private static boolean indexed(Vault vault, VaultObject pack) {
        boolean[] found = {false};
        vault.loadIndex().forEach(l -> found[0] |= l.pack().equals(pack.id()));
        return found[0];
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
