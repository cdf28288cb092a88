package io.streamvault.launcher.cli;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.dedup.StoreSeeder;
import io.streamvault.launcher.internal.Pipeline;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamvault rebuild-index}: rebuilds working state from the vault alone. With
 * {@code --read-packs}, packs that no index object records (a crash between a pack and its index,
 * or lost index objects) are read and indexed. Then every stored chunk is announced to the dedup
 * topology, so that after the state directory or the cluster was lost, nothing the vault holds is
 * uploaded again.
 */
@Command(name = "rebuild-index", mixinStandardHelpOptions = true, description = "Rebuild the dedup store (and, with --read-packs, the vault index) from the vault.")
public final class RebuildIndexCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--read-packs", description = "Also index packs that no index object records, from their headers.")
    boolean readPacks;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        try (Vault vault = common.openVault(config, false)) {
            if (readPacks) {
                indexUnindexedPacks(vault);
            }
            try (Pipeline pipeline = Pipeline.connect(config, vault)) {
                long n = StoreSeeder.seed(pipeline.props(), pipeline.topics(), vault, c -> {
                    if (System.console() != null) {
                        System.err.print("\rannounced " + c + " chunks");
                    }
                });
                if (System.console() != null) {
                    System.err.println();
                }
                System.out.println("dedup store rebuilt: " + n + " stored chunks announced");
            }
        }
        return 0;
    }

    private static void indexUnindexedPacks(Vault vault) {
        Set<String> indexed = new HashSet<>();
        vault.loadIndex().forEach(loc -> indexed.add(loc.pack()));
        List<PackInfo> batch = new ArrayList<>();
        long added = 0;
        for (VaultObject o : vault.list(ObjectKind.PACK).objects()) {
            if (indexed.contains(o.id())) {
                continue;
            }
            batch.add(new PackInfo(o.id(), o.size(), vault.readPackHeader(o.id())));
            if (batch.size() == 1000) {
                vault.writeIndex(batch);
                added += batch.size();
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            vault.writeIndex(batch);
            added += batch.size();
        }
        System.out.println("vault index: " + added + " unindexed pack" + (added == 1 ? "" : "s") + " indexed");
    }
}
