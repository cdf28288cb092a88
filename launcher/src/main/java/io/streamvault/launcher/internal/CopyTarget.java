package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Storages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A copy's target storage with its own credentials (docs/copies.md): the Azure variables
 * ({@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_ACCOUNT}, ...) are read under the
 * prefix {@value #PREFIX} ({@code STREAMVAULT_COPY_AZURE_STORAGE_ACCOUNT}), or from a credentials
 * file of {@code NAME=VALUE} lines with the plain names; never the source's.
 */
public final class CopyTarget {
    public static final String PREFIX = "STREAMVAULT_COPY_";

    private CopyTarget() {
    }

    public static Storage open(String uri, Path credentials) {
        return Storages.open(uri, env(credentials));
    }

    static Function<String, String> env(Path credentials) {
        if (credentials == null) {
            return name -> System.getenv(PREFIX + name);
        }
        Map<String, String> values = new HashMap<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(credentials)) {
                n++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new FatalException(ErrorCode.INVALID_ARGUMENT, credentials + " line " + n
                            + ": not NAME=VALUE (e.g. AZURE_STORAGE_CONNECTION_STRING=...)");
                }
                values.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot read the target's credentials " + credentials + ": " + e, e);
        }
        return values::get;
    }
}
