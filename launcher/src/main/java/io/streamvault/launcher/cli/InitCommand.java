package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.launcher.internal.Passwords;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamvault init}: creates a vault. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Create a new vault.")
public final class InitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--if-missing", description = "Succeed without doing anything when a vault already exists there.")
    boolean ifMissing;

    @Option(names = "--compression-level", paramLabel = "N",
            description = "zstd level of the vault's blobs, fixed for its lifetime (default: ${DEFAULT-VALUE}).")
    int compressionLevel = VaultOptions.defaults().compressionLevel();

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        String uri = common.vaultUri(config);
        boolean isDefault = common.isDefaultVault(config);
        try (Storage storage = Storages.open(uri)) {
            if (Vault.exists(storage) && ifMissing) {
                System.out.println("a vault already exists at " + storage.location());
                return 0;
            }
            if (Vault.exists(storage)) {
                throw new FatalException(ErrorCode.VAULT_EXISTS, "a vault already exists at " + storage.location());
            }
            char[] password = Passwords.get(common.passwordFile, isDefault, isDefault);
            try (Vault v = Vault.init(storage, password, VaultOptions.defaults().withCompressionLevel(compressionLevel))) {
                System.out.println("created vault " + v.id().substring(0, 12) + " at " + storage.location());
            }
        }
        return 0;
    }
}
