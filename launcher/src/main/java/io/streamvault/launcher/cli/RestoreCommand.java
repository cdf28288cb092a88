package io.streamvault.launcher.cli;

import io.streamvault.catalog.Restorer;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.util.Sizes;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamvault restore SNAPSHOT --target DIR}: needs the vault and its key only. */
@Command(name = "restore", description = "Restore a snapshot into a directory.")
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id, unique id prefix, or 'latest'.")
    String snapshot;

    @Option(names = "--target", paramLabel = "DIR", required = true, description = "Directory to restore into.")
    Path target;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        long start = System.currentTimeMillis();
        try (Vault vault = common.openVault(config, false)) {
            SnapshotRef ref = vault.loadSnapshot(vault.resolveSnapshot(snapshot));
            MasterIndex index = vault.loadIndex();
            boolean tty = System.console() != null;
            Restorer.Result r = new Restorer(vault, index).restore(ref, target.toAbsolutePath(), (files, bytes) -> {
                if (tty) {
                    System.err.print("\rrestored " + files + " files, " + Sizes.bytes(bytes) + "    ");
                }
            });
            if (tty) {
                System.err.print("\r" + " ".repeat(60) + "\r");
            }
            for (String e : r.errors()) {
                System.err.println("error: " + e);
            }
            System.out.printf("restored snapshot %s: %d files, %d directories, %s in %s%n", ref.id().substring(0, 8),
                    r.files(), r.dirs(), Sizes.bytes(r.bytes()), Sizes.duration(System.currentTimeMillis() - start));
            return r.ok() ? 0 : 1;
        }
    }
}
