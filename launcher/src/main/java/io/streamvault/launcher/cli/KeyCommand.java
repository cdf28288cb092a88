package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.launcher.internal.Passwords;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultLock;
import io.streamvault.vault.VaultObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamvault key list|add|remove}: the vault's key objects (each opens the vault with its own password). */
@Command(name = "key", mixinStandardHelpOptions = true, description = "List, add or remove the vault's keys.",
        subcommands = {KeyCommand.ListKeys.class, KeyCommand.Add.class, KeyCommand.Remove.class})
public final class KeyCommand extends GroupCommand {

    /** {@code key list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the key ids; mark the one in use.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                VaultLock lock = vault.locks().state().last();
                for (VaultObject k : vault.list(ObjectKind.KEY).objects()) {
                    boolean right = lock == null || lock.bypassKeys().contains(k.id());
                    System.out.println(k.id() + (k.id().equals(vault.keyId()) ? "  (this key)" : "")
                            + (right && lock != null ? "  (governance bypass right)" : ""));
                }
            }
            return 0;
        }
    }

    /** {@code key add}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a key sealing the vault under another"
            + " password.")
    static final class Add implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--new-password-file", required = true, paramLabel = "FILE",
                description = "The new key's password, the first line of FILE.")
        Path newPassword;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                String name = vault.addKey(Passwords.get(newPassword, false, false));
                System.out.println("added key " + name.substring(ObjectKind.KEY.prefix().length()));
            }
            return 0;
        }
    }

    /** {@code key remove}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a key (not the one in use, not"
            + " the last; refused while the vault lock is on or a snapshot is locked).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "KEY", description = "The key id (see key list).")
        String id;
        @Option(names = "--dry-run", description = "Check that it may be removed; remove nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            try (Vault vault = common.openVault(common.config(), false)) {
                if (dryRun) {
                    vault.stat(ObjectKind.KEY, id).orElseThrow(() -> new FatalException(ErrorCode.INVALID_ARGUMENT, "no key " + id));
                    System.out.println("key " + id + " exists; run without --dry-run to remove it (the lock is checked then)");
                    return 0;
                }
                vault.delete(ObjectKind.KEY, id);
                System.out.println("removed key " + id);
            }
            return 0;
        }
    }
}
