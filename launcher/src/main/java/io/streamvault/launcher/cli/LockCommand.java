package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.maintenance.Immutability;
import io.streamvault.maintenance.Reports;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Locks;
import io.streamvault.vault.Retentions;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultLock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamvault lock set|show|remove|sync}: the vault lock (docs/lock.md). */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = "Set, show or remove the vault lock: a minimum retention no command can cut short.",
        subcommands = {LockCommand.Set.class, LockCommand.Show.class, LockCommand.Remove.class, LockCommand.Sync.class})
public final class LockCommand extends GroupCommand {

    /** {@code lock set}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Lock the vault: every snapshot sealed from now on is kept at least --min-retention.")
    static final class Set implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--min-retention", required = true, paramLabel = "DURATION",
                description = "Keep every new snapshot at least this long after it is sealed (e.g. 30d).")
        String min;
        @Option(names = "--max-retention", paramLabel = "DURATION",
                description = "The longest retention a backup may ask for (default: no bound).")
        String max;
        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "governance",
                description = "governance (a key with the bypass right may lift it, on record) or compliance (nobody"
                        + " can, once the cooling-off has passed). Default ${DEFAULT-VALUE}.")
        String mode;
        @Option(names = "--changeable-for", paramLabel = "DURATION", defaultValue = "72h",
                description = "Cooling-off: until it passes the lock may be changed or removed (default ${DEFAULT-VALUE},"
                        + " at least the setting lock.min.changeable.for.s).")
        String changeableFor;
        @Option(names = "--bypass-key", paramLabel = "KEY", description = "A key id holding the governance bypass right"
                + " (repeatable; default: the key that sets the lock, or those of the lock it replaces).")
        List<String> bypassKeys = new ArrayList<>();
        @Option(names = "--bypass-governance", description = "Weaken a governance lock past its cooling-off (this key"
                + " must hold the right; recorded).")
        boolean bypass;
        @Option(names = "--json", description = "Print the lock as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            StreamVaultConfig config = common.config();
            Duration cooling = Retentions.parse(changeableFor, "--changeable-for");
            long floor = config.getLong(StreamVaultConfig.LOCK_MIN_CHANGEABLE_FOR_S);
            if (cooling.getSeconds() < floor) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--changeable-for " + changeableFor + " is shorter"
                        + " than the cooling-off the setting " + StreamVaultConfig.LOCK_MIN_CHANGEABLE_FOR_S + " asks ("
                        + Retentions.format(Duration.ofSeconds(floor)) + ")");
            }
            Locks.Spec s = new Locks.Spec(LockMode.of(mode), Retentions.parse(min, "--min-retention"),
                    max == null ? null : Retentions.parse(max, "--max-retention"), cooling, bypassKeys);
            try (Vault vault = common.openVault(config, false)) {
                VaultLock lock = vault.locks().set(s, bypass);
                ImmutableStorage.Support support = vault.locks().serviceSupport();
                print(vault, lock, support, json);
            }
            return 0;
        }
    }

    /** {@code lock show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the vault lock, its history and"
            + " whether the storage service enforces it too.")
    static final class Show implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                LockState st = vault.locks().state();
                print(vault, st.lock(), vault.locks().serviceSupport(), json);
                if (!json) {
                    st.history().forEach(h -> System.out.println("  " + h));
                    st.refused().forEach(r -> System.out.println("  refused record " + r));
                }
            }
            return 0;
        }
    }

    /** {@code lock remove}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the vault lock: during its"
            + " cooling-off, or a governance lock with --bypass-governance. Snapshots keep their own retention.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--bypass-governance", description = "Lift a governance lock past its cooling-off (this key must"
                + " hold the right; recorded).")
        boolean bypass;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                vault.locks().remove(bypass);
                System.out.println("vault lock removed; snapshots sealed under it keep their own retention");
            }
            return 0;
        }
    }

    /** {@code lock sync}. */
    @Command(name = "sync", mixinStandardHelpOptions = true, description = "Ask the storage service (Azure, version-level"
            + " immutability) to hold every object a locked or held snapshot needs until its retain-until time.")
    static final class Sync implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                System.out.println(LockCommand.sync(vault));
            }
            return 0;
        }
    }

    /** Runs {@link Immutability#sync} and says what it did, in one line. */
    static String sync(Vault vault) {
        Immutability.Result r = Immutability.sync(vault, 8);
        if (!r.supported()) {
            return "storage service enforcement: off (" + r.reason() + "); the vault's own lock holds";
        }
        return "storage service enforcement: " + r.objects() + " objects held for " + r.lockedSnapshots()
                + " locked snapshots, " + r.held() + " packs under legal hold";
    }

    private static void print(Vault vault, VaultLock lock, ImmutableStorage.Support support, boolean json) {
        Instant now = vault.locks().now();
        if (json) {
            System.out.println(Reports.lock(lock, support, now));
            return;
        }
        if (lock == null) {
            System.out.println("vault lock: none");
        } else {
            System.out.println("vault lock: " + lock.mode().id() + ", minimum retention "
                    + Retentions.format(lock.minRetention()) + (lock.maxRetention() == null ? ""
                            : ", maximum " + Retentions.format(lock.maxRetention())));
            System.out.println(lock.changeableAt(now) ? "  changeable (cooling-off) until " + lock.changeableUntil()
                    : "  fixed since " + lock.changeableUntil() + (lock.mode() == LockMode.COMPLIANCE
                            ? ": it can only be extended" : ": only a key with the bypass right can weaken it"));
            System.out.println("  governance bypass right: " + String.join(", ", lock.bypassKeys()));
        }
        System.out.println("storage service enforcement: " + (support.supported() ? "on" : "off (" + support.reason() + ")"));
    }
}
