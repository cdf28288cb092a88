package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Reads every index object; one that cannot be read is an error (its packs then show as in no index). */
final class IndexLoader {
    private final Vault vault;
    private final ReadPool pool;
    private final Problems problems;
    private final CheckProgress progress;

    IndexLoader(Vault vault, ReadPool pool, Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.pool = pool;
        this.problems = problems;
        this.progress = progress;
    }

    LoadedIndex load() {
        List<String> names = vault.listIndex();
        AtomicLong done = new AtomicLong();
        List<Outcome<List<BlobLocation>>> parts = pool.map(names, name -> {
            try {
                return Outcome.of(() -> {
                    List<BlobLocation> entries = new ArrayList<>();
                    vault.readIndex(name, entries::add);
                    return entries;
                });
            } finally {
                progress.update("index", done.incrementAndGet(), names.size());
            }
        });
        Map<BlobKey, BlobLocation> blobs = new HashMap<>();
        // the same pack in two index objects: its entries once, by offset
        Map<String, TreeMap<Long, BlobLocation>> packs = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            Outcome<List<BlobLocation>> part = parts.get(i);
            if (!part.ok()) {
                String name = names.get(i);
                problems.add("index:" + name, Severity.ERROR, "index", name, "index object " + name
                        + " cannot be read (the packs it records are reported as in no index): "
                        + part.damage().getMessage());
                continue;
            }
            for (BlobLocation l : part.value()) {
                blobs.putIfAbsent(new BlobKey(l.id(), l.type()), l);
                packs.computeIfAbsent(l.pack(), p -> new TreeMap<>()).putIfAbsent(l.offset(), l);
            }
        }
        Map<String, List<BlobLocation>> byPack = new TreeMap<>();
        packs.forEach((pack, entries) -> byPack.put(pack, List.copyOf(entries.values())));
        return new LoadedIndex(names.size(), Collections.unmodifiableMap(blobs), Collections.unmodifiableMap(byPack));
    }
}
