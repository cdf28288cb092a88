package io.streamvault.launcher.internal;

import io.streamvault.catalog.Catalog;
import io.streamvault.chunker.Chunker;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.StreamsApp;
import io.streamvault.common.kafka.WorkerListener;
import io.streamvault.common.kafka.WorkerPool;
import io.streamvault.dedup.Dedup;
import io.streamvault.dedup.DedupSettings;
import io.streamvault.scanner.Scanner;
import io.streamvault.schemas.DeadLetters;
import io.streamvault.uploader.Uploader;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The worker roles this process runs: any of scanner, chunker, dedup, uploader, catalog. */
public final class Roles implements AutoCloseable {
    public static final Set<String> ALL = Set.of(Scanner.ROLE, Chunker.ROLE, Dedup.ROLE, Uploader.ROLE, Catalog.ROLE);
    private final List<WorkerPool> pools = new ArrayList<>();
    private final List<StreamsApp> apps = new ArrayList<>();

    private Roles() {
    }

    public static Roles start(Pipeline p, Vault vault, InstanceSlot slot, String instance, Set<String> roles,
            WorkerListener listener) {
        StreamVaultConfig c = p.config();
        DeadLetters dl = new DeadLetters(p.topics());
        Roles r = new Roles();
        try {
            if (roles.contains(Dedup.ROLE) && c.getInt(StreamVaultConfig.DEDUP_THREADS) > 0) {
                r.apps.add(Dedup.app(p.props(), p.topics(), p.registry(),
                        DedupSettings.of(c.getLong(StreamVaultConfig.DEDUP_PENDING_TIMEOUT_MS)), slot.streamsDir(),
                        c.getInt(StreamVaultConfig.DEDUP_THREADS), listener));
            }
            if (roles.contains(Catalog.ROLE) && c.getInt(StreamVaultConfig.CATALOG_THREADS) > 0) {
                r.apps.add(Catalog.app(p.props(), p.topics(), p.registry(), vault,
                        c.getInt(StreamVaultConfig.UPLOADER_PACK_BYTES), c.getLong(StreamVaultConfig.PROGRESS_INTERVAL_MS),
                        slot.streamsDir(), c.getInt(StreamVaultConfig.CATALOG_THREADS), listener));
            }
            for (StreamsApp a : r.apps) {
                a.start();
            }
            if (roles.contains(Scanner.ROLE)) {
                r.pools.add(Scanner.pool(p.props(), p.topics(), vault, dl, listener, instance,
                        c.getInt(StreamVaultConfig.SCANNER_THREADS), c.getLong(StreamVaultConfig.CHUNKER_SEGMENT_BYTES)).start());
            }
            if (roles.contains(Chunker.ROLE)) {
                r.pools.add(Chunker.pool(p.props(), p.topics(), vault, dl, listener, instance,
                        c.getInt(StreamVaultConfig.CHUNKER_THREADS), c.getInt(StreamVaultConfig.CHUNKER_MAX_REREADS)).start());
            }
            if (roles.contains(Uploader.ROLE)) {
                r.pools.add(Uploader.pool(p.props(), p.topics(), vault, dl, listener, instance,
                        c.getInt(StreamVaultConfig.UPLOADER_THREADS), c.getInt(StreamVaultConfig.UPLOADER_PACK_BYTES),
                        c.getLong(StreamVaultConfig.UPLOADER_FLUSH_MS)).start());
            }
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Stops every role: workers finish and commit their batch, topologies close cleanly. */
    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        for (WorkerPool pool : pools) {
            closers.add(new Thread(pool::close));
        }
        for (StreamsApp app : apps) {
            closers.add(new Thread(app::close));
        }
        closers.forEach(Thread::start);
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
