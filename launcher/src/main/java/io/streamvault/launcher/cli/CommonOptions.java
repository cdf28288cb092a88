package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.launcher.internal.AgentLink;
import io.streamvault.launcher.internal.AgentStarter;
import io.streamvault.launcher.internal.Home;
import io.streamvault.launcher.internal.Passwords;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options every command shares: where the vault is, how to unlock it, where the cluster is. */
public final class CommonOptions {
    @Option(names = "--vault", paramLabel = "URI",
            description = "Vault: file:///abs/path or a path (default: $STREAMVAULT_HOME/vault, ~/.streamvault/vault).")
    String vault;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the vault password from the first line of FILE (default: $STREAMVAULT_PASSWORD).")
    Path passwordFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Working state: embedded broker, stores (default: $STREAMVAULT_HOME/state).")
    Path stateDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (Java properties; see docs/configuration.md).")
    Path configFile;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE", description = "One setting (repeatable).")
    Map<String, String> options = new HashMap<>();

    /** The options as {@link BackupArgs} read them (picocli does not parse the backup command). */
    static CommonOptions of(BackupArgs args) {
        CommonOptions c = new CommonOptions();
        c.vault = args.vault();
        c.passwordFile = args.passwordFile();
        c.stateDir = args.stateDir();
        c.bootstrapServers = args.bootstrapServers();
        c.configFile = args.configFile();
        c.options.putAll(args.settings());
        return c;
    }

    /** Settings from the file, then -o, then the options that name settings. */
    public StreamVaultConfig config() {
        Map<String, Object> all = new HashMap<>();
        if (configFile != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(configFile)) {
                p.load(in);
            } catch (IOException e) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "cannot read settings file " + configFile + ": " + e.getMessage(), e);
            }
            p.forEach((k, v) -> all.put(k.toString(), v));
        }
        all.putAll(options);
        if (stateDir != null) {
            all.put(StreamVaultConfig.STATE_DIR, stateDir.toAbsolutePath().toString());
        } else if (!all.containsKey(StreamVaultConfig.STATE_DIR)) {
            all.put(StreamVaultConfig.STATE_DIR, Home.defaultStateDir().toString());
        }
        if (bootstrapServers != null) {
            all.put(StreamVaultConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (vault != null) {
            all.put(StreamVaultConfig.VAULT, vault);
        }
        return StreamVaultConfig.of(all);
    }

    /**
     * The settings of a process that stays (an agent, {@code serve}, a following {@code copy}): unless
     * the user chose it, its consumers' fetch wait is the long one, so that its idle consumers ask a tenth
     * as often; a command's is short, since closing a consumer waits for its fetch in flight
     * ({@link KafkaProps#AGENT_FETCH_MAX_WAIT_MS}).
     */
    public StreamVaultConfig longLivedConfig() {
        return longLived(config());
    }

    static StreamVaultConfig longLived(StreamVaultConfig config) {
        if (config.originals().containsKey(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS)) {
            return config;
        }
        return config.with(Map.of(StreamVaultConfig.CONSUMER_FETCH_WAIT_MS, KafkaProps.AGENT_FETCH_MAX_WAIT_MS));
    }

    /** True when settings come from a file or {@code -o}: an agent, which has its own, does not take the job. */
    public boolean hasSettings() {
        return configFile != null || !options.isEmpty();
    }

    /**
     * The options an agent started for this command needs to take its jobs (vault, password file,
     * state directory, cluster), as this command was given them.
     */
    public List<String> agentArgs() {
        List<String> a = new ArrayList<>();
        if (vault != null) {
            // The agent runs in the state directory: a relative path is made absolute (a URI, or ~, as given)
            boolean plain = !vault.contains(":") && !vault.startsWith("~");
            a.addAll(List.of("--vault", plain ? Path.of(vault).toAbsolutePath().toString() : vault));
        }
        if (passwordFile != null) {
            a.addAll(List.of("--password-file", passwordFile.toAbsolutePath().toString()));
        }
        if (stateDir != null) {
            a.addAll(List.of("--state-dir", stateDir.toAbsolutePath().toString()));
        }
        if (bootstrapServers != null) {
            a.addAll(List.of("--bootstrap-servers", bootstrapServers));
        }
        return a;
    }

    /**
     * True when the vault exists. With {@code createDefault}, the default one is created here when it
     * does not, so that the command, not an agent it starts, says where its password was generated.
     */
    public boolean vaultExists(StreamVaultConfig config, boolean createDefault) {
        try (Storage storage = Storages.open(vaultUri(config))) {
            if (Vault.exists(storage)) {
                return true;
            }
        }
        if (!createDefault || !isDefaultVault(config)) {
            return false;
        }
        openVault(config, true).close();
        return true;
    }

    /**
     * Starts the background agent of the state directory ({@link AgentStarter}; README, The background
     * agent) when this command would hand it its job and none listens; true when one listens then.
     * Nothing is started outside bin/streamvault, when turned off or not at a terminal, for a command
     * with settings of its own, while bin/streamvault records its class-data archive from a job that
     * runs in the command, when an agent listens (it declined the job), or when the vault does not
     * exist ({@code createDefault}: the default vault is created first, for a first backup).
     */
    public boolean startAgent(StreamVaultConfig config, boolean createDefault) {
        Duration idle = AgentStarter.idle(System.getenv(), "1".equals(System.getenv(AgentStarter.INTERACTIVE_ENV)));
        if (idle == null || hasSettings() || System.getenv(AgentStarter.STATUS_FILE_ENV) != null
                || AgentLink.anyListening(config.stateDir()) || !vaultExists(config, createDefault)) {
            return false;
        }
        return AgentStarter.ensure(config.stateDir(), agentArgs(), idle, System.err);
    }

    /** The vault URI, and whether it is the default one. */
    public String vaultUri(StreamVaultConfig config) {
        String v = config.getString(StreamVaultConfig.VAULT);
        return v.isEmpty() ? Home.defaultVault().toString() : v;
    }

    public boolean isDefaultVault(StreamVaultConfig config) {
        return config.getString(StreamVaultConfig.VAULT).isEmpty();
    }

    /**
     * Opens the vault. The default vault is created on first use ({@code createDefault}); any
     * other must exist.
     */
    public Vault openVault(StreamVaultConfig config, boolean createDefault) {
        String uri = vaultUri(config);
        boolean isDefault = isDefaultVault(config);
        Storage storage = Storages.open(uri);
        try {
            if (!Vault.exists(storage)) {
                if (isDefault && createDefault) {
                    char[] pw = Passwords.get(passwordFile, true, true);
                    Vault v = Vault.init(storage, pw, VaultOptions.defaults());
                    System.err.println("streamvault: created the default vault at " + uri);
                    return v;
                }
                throw new FatalException(ErrorCode.VAULT_NOT_INITIALIZED,
                        "no vault at " + storage.location() + " (create one with: streamvault init --vault " + uri + ")");
            }
            return Vault.open(storage, Passwords.get(passwordFile, isDefault, false));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }
}
