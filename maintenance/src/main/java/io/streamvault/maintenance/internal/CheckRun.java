package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker;
import io.streamvault.maintenance.Checker.Problem;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of {@link Checker}. Damage (a missing or corrupt object) becomes a {@link Problem}; a
 * failure of the storage itself (unavailable, access denied) ends the check with that error, since
 * nothing can be concluded about objects that could not be read.
 *
 * <p>Pass one checks snapshots, index objects, dictionaries, key objects, pack listings and headers, walks every
 * tree once (shared subtrees once), and, when asked, reads data. Pass two runs only when something
 * is damaged: it walks again the trees that may reach the damage, to name the affected snapshots and
 * paths.
 */
public final class CheckRun {
    private final Vault vault;
    private final Checker.Options options;
    private final Checker.Progress listener;

    public CheckRun(Vault vault, Checker.Options options, Checker.Progress progress) {
        this.vault = vault;
        this.options = options;
        this.listener = progress;
    }

    /** Checks made again at most when a garbage collection changes the index under a check that found damage. */
    private static final int ATTEMPTS = 3;

    /**
     * Runs the check; when it finds damage and the vault's index objects changed while it ran (a
     * garbage collection repacked and deleted packs under it), it checks again, so a collection
     * running beside it never shows as damage.
     */
    public Checker.Result run() {
        for (int attempt = 1;; attempt++) {
            Set<String> before = new HashSet<>(vault.listIndex());
            Checker.Result r = once();
            if (r.ok() || attempt == ATTEMPTS || before.equals(new HashSet<>(vault.listIndex()))) {
                return r;
            }
        }
    }

    private Checker.Result once() {
        Problems problems = new Problems();
        CheckProgress progress = new CheckProgress(listener);
        try (ReadPool pool = new ReadPool(options.threads())) {
            List<SnapshotRef> snapshots = new SnapshotLoader(vault, pool, problems, progress).load();
            LoadedIndex index = new IndexLoader(vault, problems, progress).load();
            new DictionaryCheck(vault, problems).run();
            new KeyCheck(vault, problems).run();
            new LockCheck(vault, problems).run();
            Map<String, String> brokenPacks = new PackCheck(vault, pool, problems, progress).run(index);
            TreeWalk.Result walk = new TreeWalk(vault, pool, problems, progress).run(snapshots, index, brokenPacks);
            DataRead.Result data = options.readDataFraction() > 0
                    ? new DataRead(vault, pool, problems, progress).run(options, index, brokenPacks)
                    : DataRead.Result.NONE;
            Damage damage = new Damage(index, brokenPacks, walk, data);
            if (damage.any()) {
                new AffectedPaths(vault, index, walk.trees(), damage, problems, progress).run(snapshots);
            }
            return new Checker.Result(problems.list(), snapshots.size(), index.objects(), walk.trees().size(),
                    walk.dataBlobs(), index.packs().size(), data.packsRead(), data.blobsRead(),
                    progress.bytesRead());
        }
    }
}
