package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import io.streamvault.vault.VaultConfig;
import io.streamvault.vault.VaultOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.crypto.AEADBadTagException;

/** Creates a vault (key object, then config) and opens one by trying every key object. */
final class VaultOpener {
    private VaultOpener() {
    }

    static boolean exists(Storage storage) {
        return storage.stat(ConfigFile.NAME).isPresent();
    }

    /** Writes the key object first and the config last, so a vault "exists" only once it can be opened. */
    static VaultImpl init(Storage storage, char[] password, VaultOptions options) {
        requirePassword(password);
        VaultConfig config = ConfigFile.create(options);
        if (exists(storage)) {
            throw vaultExists(storage);
        }
        MasterKey key = MasterKey.random();
        int n = 1 << options.kdfLogN();
        byte[] keyObject = KeyFile.create(key, password, n);
        String keyName = KeyFile.PREFIX + Ids.sha256Hex(keyObject);
        storage.putIfAbsent(keyName, keyObject);
        if (!storage.putIfAbsent(ConfigFile.NAME, ConfigFile.encode(config, key))) {
            try {
                storage.delete(keyName);
            } catch (StreamVaultException ignored) {
                // an orphaned key object opens nothing: its master key does not decrypt the config
            }
            throw vaultExists(storage);
        }
        return VaultImpl.create(storage, config, key, n, keyName.substring(KeyFile.PREFIX.length()));
    }

    static VaultImpl open(Storage storage, char[] password) {
        requirePassword(password);
        String loc = storage.location();
        byte[] cfg;
        try {
            cfg = storage.get(ConfigFile.NAME);
        } catch (FatalException e) {
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                throw new FatalException(ErrorCode.VAULT_NOT_INITIALIZED, "no vault in " + loc + " (no config object)", e);
            }
            throw e;
        }
        ConfigFile.checkHeader(cfg, loc);
        List<ObjectInfo> keys = new ArrayList<>(storage.list(KeyFile.PREFIX));
        keys.sort(Comparator.comparing(ObjectInfo::name));
        List<StreamVaultException> unreadable = new ArrayList<>();
        List<String> noConfig = new ArrayList<>();
        int tried = 0;
        for (ObjectInfo k : keys) {
            MasterKey mk;
            int n;
            try {
                KeyFile.Params p = KeyFile.parse(k.name(), storage.get(k.name()), loc);
                tried++;
                n = p.n();
                mk = KeyFile.unlock(p, password, loc);
            } catch (FatalException e) {
                if (e.code() != ErrorCode.CORRUPT_OBJECT && e.code() != ErrorCode.OBJECT_NOT_FOUND) {
                    throw e;
                }
                unreadable.add(e);
                continue;
            }
            if (mk == null) {
                continue;
            }
            try {
                return VaultImpl.create(storage, ConfigFile.decode(cfg, mk, loc), mk, n, k.name().substring(KeyFile.PREFIX.length()));
            } catch (AEADBadTagException e) {
                noConfig.add(k.name());
            }
        }
        FatalException fail;
        if (!noConfig.isEmpty()) {
            fail = Errors.corrupt("config object in " + loc + " fails authentication with the master key of "
                    + String.join(", ", noConfig) + ", which the password opens: the config is damaged, or those"
                    + " keys were left by an unfinished init");
        } else if (tried == 0) {
            fail = Errors.corrupt("vault in " + loc + " has no readable key object (" + keys.size() + " under "
                    + KeyFile.PREFIX + ")" + names(unreadable));
        } else {
            fail = new FatalException(ErrorCode.WRONG_PASSWORD, "wrong password: none of the " + tried + " keys in "
                    + loc + " opens with it" + names(unreadable));
        }
        unreadable.forEach(fail::addSuppressed);
        throw fail;
    }

    private static String names(List<StreamVaultException> unreadable) {
        if (unreadable.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("; unreadable: ");
        for (int i = 0; i < unreadable.size(); i++) {
            b.append(i == 0 ? "" : "; ").append(unreadable.get(i).getMessage());
        }
        return b.toString();
    }

    static void requirePassword(char[] password) {
        if (password == null || password.length == 0) {
            throw new FatalException(ErrorCode.PASSWORD_MISSING, "no password given");
        }
    }

    private static FatalException vaultExists(Storage storage) {
        return new FatalException(ErrorCode.VAULT_EXISTS, "a vault already exists in " + storage.location());
    }
}
