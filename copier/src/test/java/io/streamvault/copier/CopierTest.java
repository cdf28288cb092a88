package io.streamvault.copier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.Checker;
import io.streamvault.maintenance.Forget;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.restore.Restorer;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.ForwardingStorage;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copier on two local vaults: from announcements in any order, by catching up, after crashes, with deletions. */
class CopierTest {
    @TempDir
    Path tmp;

    record Event(boolean put, ObjectKind kind, String id) {
    }

    /** The source's announcements, as a copier would read them. */
    static final class Recorder implements VaultEvents {
        final List<Event> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void written(ObjectKind kind, String id, long size) {
            events.add(new Event(true, kind, id));
        }

        @Override
        public void deleted(ObjectKind kind, String id) {
            events.add(new Event(false, kind, id));
        }
    }

    private Path tree(String name, long seed, int files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[20_000 + r.nextInt(200_000)];
            r.nextBytes(b);
            Files.write(Files.createDirectories(dir.resolve("d" + i % 3)).resolve("f" + i), b);
        }
        return dir;
    }

    private static void replay(Copier c, List<Event> events) {
        for (Event e : events) {
            if (e.put) {
                c.written(e.kind, e.id);
            } else {
                c.deleted(e.kind, e.id);
            }
        }
    }

    @Test
    void announcementsInOrderOrShuffledGiveACompleteCopy() throws Exception {
        Path a = tree("a", 1, 12);
        Path b = tree("b", 2, 9);
        Recorder rec = new Recorder();
        List<String> snaps = new ArrayList<>();
        try (TestVault src = TestVault.create(tmp.resolve("source"), 64 << 10)) {
            src.vault.announceTo(rec);
            snaps.add(src.backup(a, "h"));
            snaps.add(src.backup(b, "h"));
            for (long seed : new long[] {3, 4}) {
                List<Event> events = new ArrayList<>(rec.events);
                if (seed == 4) {
                    // Announcements reordered across partitions, at worst: the snapshots before everything.
                    Collections.shuffle(events, new Random(seed));
                    events.sort(Comparator.comparing((Event e) -> e.kind != ObjectKind.SNAPSHOT));
                }
                Path targetDir = tmp.resolve("target-" + seed);
                try (Vault target = src.vault.openCopy(Storages.open(targetDir.toString()))) {
                    Copier copier = new Copier(src.vault, target, new Copier.Options(false));
                    for (Event e : events) {
                        replay(copier, List.of(e));
                        for (String s : ids(target)) { // after every step, what the target lists restores
                            assertRestores(target, s, s.equals(snaps.get(0)) ? a : b);
                        }
                    }
                }
                try (Vault copy = Vault.open(Storages.open(targetDir.toString()), TestVault.PASSWORD)) {
                    assertEquals(new TreeSet<>(snaps), ids(copy), "the copy opens with the source's password");
                    assertRestores(copy, snaps.get(0), a);
                    assertRestores(copy, snaps.get(1), b);
                    assertClean(copy);
                }
            }
        }
    }

    @Test
    void aCopierKilledAtAnyWriteNeverLeavesAnIncompleteSnapshotAndARestartConverges() throws Exception {
        Path a = tree("a", 5, 10);
        Path b = tree("b", 6, 10);
        Path targetDir = tmp.resolve("target");
        try (TestVault src = TestVault.create(tmp.resolve("source"), 64 << 10)) {
            String s1 = src.backup(a, "h");
            String s2 = src.backup(b, "h");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CopyMeters meters = new CopyMeters(registry);
            int killedRuns = 0;
            for (int dieAfter = 1; ; dieAfter += 3) {
                Dying dying = new Dying(Storages.open(targetDir.toString()), dieAfter);
                boolean died = false;
                boolean copying = false;
                try (Vault target = src.vault.openCopy(dying)) {
                    copying = true; // not killed while the copy's config was written
                    new Copier(src.vault, target, new Copier.Options(false), meters).catchUp();
                } catch (Killed k) {
                    died = true;
                    killedRuns += copying ? 1 : 0;
                }
                try (Vault copy = Vault.open(Storages.open(targetDir.toString()), TestVault.PASSWORD)) {
                    for (String s : ids(copy)) {
                        assertRestores(copy, s, s.equals(s1) ? a : b); // every listed snapshot is whole
                    }
                } catch (FatalException e) {
                    assertEquals(ErrorCode.VAULT_NOT_INITIALIZED, e.code(), "only before the config is there");
                }
                if (!died) {
                    break;
                }
            }
            assertTrue(killedRuns > 0);
            assertEquals(killedRuns, registry.get("streamvault.copy.runs").tag("result", "failed").counter().count());
            assertEquals(1, registry.get("streamvault.copy.runs").tag("result", "done").counter().count());
            assertTrue(registry.get("streamvault.copy.objects").counter().count() > 0, "what the runs wrote is counted");
            try (Vault copy = Vault.open(Storages.open(targetDir.toString()), TestVault.PASSWORD)) {
                assertEquals(Set.of(s1, s2), ids(copy));
                assertClean(copy);
            }
        }
    }

    @Test
    void forgetAndGcOnTheSourceRemoveNothingFromTheCopyAndMirroredDeletesStopAtTheTargetsLock() throws Exception {
        Path a = tree("a", 7, 8);
        Path b = tree("b", 8, 8);
        Path c = tree("c", 9, 8);
        Path targetDir = tmp.resolve("target");
        Recorder rec = new Recorder();
        try (TestVault src = TestVault.create(tmp.resolve("source"), 64 << 10)) {
            String s1 = src.backup(a, "h");
            String s2 = src.backup(b, "h");
            String s3 = src.backup(c, "h");
            try (Vault target = src.vault.openCopy(Storages.open(targetDir.toString()))) {
                new Copier(src.vault, target, new Copier.Options(false)).catchUp();
                target.locks().retain(s2, target.locks().now().plus(Duration.ofDays(30)));
            }
            src.vault.announceTo(rec);
            Forget.remove(src.vault, List.of(s1, s2));
            new GarbageCollector(src.vault, GcCoordinator.alone(), GarbageCollector.Options.defaults()).run(
                    GarbageCollector.Progress.none());
            assertTrue(rec.events.stream().anyMatch(e -> !e.put && e.kind == ObjectKind.PACK), "gc deleted packs");

            try (Vault target = src.vault.openCopy(Storages.open(targetDir.toString()))) {
                Copier plain = new Copier(src.vault, target, new Copier.Options(false));
                replay(plain, rec.events);
                plain.catchUp();
                assertEquals(Set.of(s1, s2, s3), ids(target), "nothing removed without --mirror-deletes");
                assertClean(target);

                Copier mirror = new Copier(src.vault, target, new Copier.Options(true));
                replay(mirror, rec.events);
                assertEquals(Set.of(s2, s3), ids(target), "s1 mirrored; s2 is locked on the target");
                assertEquals(1, mirror.totals().deletesRefused());
                mirror.catchUp();
                assertEquals(Set.of(s2, s3), ids(target));
                assertRestores(target, s2, b);
                assertRestores(target, s3, c);
            }
        }
    }

    @Test
    void aTargetHoldingAnotherVaultIsRefused() throws Exception {
        try (TestVault one = TestVault.create(tmp.resolve("one"), 64 << 10);
                TestVault other = TestVault.create(tmp.resolve("other"), 64 << 10)) {
            FatalException e = assertThrows(FatalException.class, () -> one.vault.openCopy(Storages.open(
                    tmp.resolve("other").toString())));
            assertEquals(ErrorCode.VAULT_EXISTS, e.code());
            assertTrue(e.getMessage().contains("another vault"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("other/keys").resolve(one.vault.keyId())), "nothing written to it");
        }
    }

    /** A target that dies (as a killed process would) after a number of writes. */
    static final class Killed extends RuntimeException {
    }

    static final class Dying extends ForwardingStorage {
        private int left;

        Dying(Storage s, int writes) {
            super(s);
            this.left = writes;
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data) {
            if (left-- <= 0) {
                throw new Killed();
            }
            return super.putIfAbsent(name, data);
        }
    }

    private static Set<String> ids(Vault v) {
        Set<String> out = new TreeSet<>();
        for (SnapshotRef r : v.listSnapshots()) {
            out.add(r.id());
        }
        return out;
    }

    private void assertRestores(Vault vault, String snapshot, Path src) throws IOException {
        Path out = Files.createTempDirectory(tmp, "restore");
        Restorer.Result r = new Restorer(vault, vault.loadIndex()).restore(vault.loadSnapshot(snapshot), out);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(contents(src), contents(out), "restored exactly: " + snapshot);
    }

    private static void assertClean(Vault vault) {
        Checker.Result c = new Checker(vault, Checker.Options.readAll()).run((phase, done, total, read) -> { });
        assertEquals(0, c.errors(), c.problems().toString());
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
}
