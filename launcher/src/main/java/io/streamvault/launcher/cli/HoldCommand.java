package io.streamvault.launcher.cli;

import io.streamvault.maintenance.Immutability;
import io.streamvault.vault.Hold;
import io.streamvault.vault.Vault;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamvault hold add|remove SNAPSHOT --reason TEXT}: legal holds (docs/lock.md). */
@Command(name = "hold", mixinStandardHelpOptions = true,
        description = "Put a legal hold on a snapshot (kept, whatever its dates, until the hold is removed), or remove it.",
        subcommands = {HoldCommand.Add.class, HoldCommand.Remove.class})
public final class HoldCommand extends GroupCommand {

    /** {@code hold add}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Put a legal hold on a snapshot.")
    static final class Add implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or latest.")
        String snapshot;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).")
        String reason;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                String id = vault.resolveSnapshot(snapshot);
                Hold h = vault.locks().hold(id, reason);
                System.out.println("snapshot " + id + " held (hold " + h.id() + "): " + h.reason());
                System.out.println(LockCommand.sync(vault));
            }
            return 0;
        }
    }

    /** {@code hold remove}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Release every legal hold of a snapshot.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or latest.")
        String snapshot;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded).")
        String reason;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                String id = vault.resolveSnapshot(snapshot);
                int n = vault.locks().release(id, reason);
                Immutability.release(vault, id, 8);
                System.out.println("snapshot " + id + ": " + n + " legal hold" + (n == 1 ? "" : "s") + " released");
            }
            return 0;
        }
    }
}
