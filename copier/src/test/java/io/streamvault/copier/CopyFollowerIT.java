package io.streamvault.copier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.TopicAdmin;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.TestVault;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copier following {@code vault-events} on a real broker. */
class CopyFollowerIT {
    @TempDir
    Path tmp;

    /**
     * A copier of a new target reads the topic from now, after its catch-up; but "now" is when the
     * group assigns it the partitions, seconds later (up to a session timeout when a killed copier is
     * still in the group). A snapshot written and announced in between is neither listed nor read:
     * it must be copied without waiting for the next catch-up (an hour here).
     */
    @Test
    void aSnapshotAnnouncedAfterTheCatchUpButBeforeThePartitionsAreAssignedIsCopied() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        byte[] b = new byte[300_000];
        new Random(1).nextBytes(b);
        Files.write(data.resolve("file"), b);
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster"));
                SchemaRegistry registry = SchemaRegistries.inMemory();
                TestVault src = TestVault.create(tmp.resolve("source"), 64 << 10)) {
            StreamVaultConfig config = StreamVaultConfig.defaults();
            KafkaProps props = new KafkaProps(broker.bootstrapServers(), config);
            Topics topics = new Topics("sv", src.vault.id(), 3, (short) 1, registry);
            try (Admin admin = Admin.create(props.admin("test-admin"))) {
                TopicAdmin.ensure(admin, List.of(topics.vaultEvents), Duration.ofSeconds(30));
            }
            Path targetDir = tmp.resolve("target");
            try (Vault target = src.vault.openCopy(Storages.open(targetDir.toString()))) {
                Copier copier = new Copier(src.vault, target, new Copier.Options(false));
                copier.catchUp(); // the target's copier has listed the source: nothing yet
                String snapshot;
                try (KafkaVaultEvents events = new KafkaVaultEvents(props, topics, "test-source")) {
                    src.vault.announceTo(events);
                    snapshot = src.backup(data, "h"); // ... then the source writes and announces a snapshot
                    src.vault.announceTo(VaultEvents.NONE);
                }
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> following = CompletableFuture.runAsync(() -> new CopyFollower(props, topics,
                        topics.vaultEvents.name(), copier, CopyFollower.group(topics, target.location()), "test")
                        .follow(false, Duration.ofHours(1), stop::get, () -> { }));
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!ids(target).contains(snapshot) && System.nanoTime() < deadline && !following.isDone()) {
                        Thread.sleep(200);
                    }
                } finally {
                    stop.set(true);
                }
                following.get(30, TimeUnit.SECONDS);
                assertEquals(Set.of(snapshot), ids(target), "the snapshot is copied without waiting for the next catch-up");
                assertEquals(0, copier.lag(Instant.now()).objects(), "and everything it needs");
            }
        }
    }

    private static Set<String> ids(Vault v) {
        Set<String> out = new TreeSet<>();
        for (SnapshotRef r : v.listSnapshots()) {
            out.add(r.id());
        }
        return out;
    }
}
