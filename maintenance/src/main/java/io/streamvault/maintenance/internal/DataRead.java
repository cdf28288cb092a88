package io.streamvault.maintenance.internal;

import io.streamvault.common.StreamVaultException;
import io.streamvault.maintenance.Checker;
import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads, decrypts and verifies every blob of the packs that are whole (all of them, or a random
 * share): a pack holding corrupt blobs is an error.
 */
final class DataRead {

    /**
     * @param packsRead packs whose blobs were read
     * @param blobsRead blobs read
     * @param packsWithCorruptBlobs packs sound as a whole that hold corrupt blobs
     * @param corruptBlobs the corrupt blobs, each with the key of its pack's problem
     */
    record Result(long packsRead, long blobsRead, Set<String> packsWithCorruptBlobs, Map<BlobKey, String> corruptBlobs) {
        static final Result NONE = new Result(0, 0, Set.of(), Map.of());
    }

    private record Corrupt(BlobLocation blob, StreamVaultException damage) {
    }

    private final Vault vault;
    private final ReadPool pool;
    private final Problems problems;
    private final CheckProgress progress;

    DataRead(Vault vault, ReadPool pool, Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.pool = pool;
        this.problems = problems;
        this.progress = progress;
    }

    /** @param brokenPacks packs broken as a whole (not read) */
    Result run(Checker.Options options, LoadedIndex index, Map<String, String> brokenPacks) {
        List<String> packs = choose(options, index, brokenPacks);
        AtomicLong done = new AtomicLong();
        List<List<Corrupt>> results = pool.map(packs, pack -> {
            List<Corrupt> corrupt = new ArrayList<>();
            for (BlobLocation l : index.entries(pack)) {
                Outcome<byte[]> read = Outcome.of(() -> vault.readBlob(l));
                if (!read.ok()) {
                    corrupt.add(new Corrupt(l, read.damage()));
                }
                progress.read(l.length());
            }
            progress.update("reading data", done.incrementAndGet(), packs.size());
            return corrupt;
        });
        long blobsRead = 0;
        Set<String> packsWithCorruptBlobs = new HashSet<>();
        Map<BlobKey, String> corruptBlobs = new HashMap<>();
        for (int i = 0; i < packs.size(); i++) {
            String pack = packs.get(i);
            int blobs = index.blobs(pack);
            blobsRead += blobs;
            List<Corrupt> corrupt = results.get(i);
            if (corrupt.isEmpty()) {
                continue;
            }
            String name = ObjectKind.PACK.objectName(pack);
            String key = problems.add("pack:" + pack, Severity.ERROR, "pack", name, "pack " + pack + " (" + name + "): "
                    + corrupt.size() + " of " + blobs + " blobs are corrupt; first: " + corrupt.get(0).damage().getMessage());
            packsWithCorruptBlobs.add(pack);
            for (Corrupt c : corrupt) {
                corruptBlobs.put(new BlobKey(c.blob().id(), c.blob().type()), key);
            }
        }
        progress.update("reading data", packs.size(), packs.size());
        return new Result(packs.size(), blobsRead, Collections.unmodifiableSet(packsWithCorruptBlobs),
                Collections.unmodifiableMap(corruptBlobs));
    }

    /** The whole packs to read, sorted; for a share, a random choice of them (at least one). */
    private static List<String> choose(Checker.Options options, LoadedIndex index, Map<String, String> brokenPacks) {
        List<String> candidates = new ArrayList<>();
        for (String pack : index.packs()) { // sorted
            if (!brokenPacks.containsKey(pack)) {
                candidates.add(pack);
            }
        }
        if (options.readDataFraction() < 1) {
            Collections.shuffle(candidates, new Random(options.seed()));
            int n = (int) Math.ceil(candidates.size() * options.readDataFraction());
            candidates = new ArrayList<>(candidates.subList(0, Math.min(candidates.size(), Math.max(1, n))));
        }
        return candidates;
    }
}
