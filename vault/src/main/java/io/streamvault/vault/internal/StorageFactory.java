package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.UserHome;
import io.streamvault.vault.Storage;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Opens the storage a vault location names. */
public final class StorageFactory {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://.*", Pattern.DOTALL);
    private static final String SUPPORTED = "use file:///absolute/path, a plain path, or azure://CONTAINER[/PREFIX]";

    private StorageFactory() {
    }

    public static Storage open(String uri) {
        return open(uri, System::getenv);
    }

    /** As {@link #open(String)}, with the Azure credentials read through {@code env} (for a copy's target). */
    public static Storage open(String uri, Function<String, String> env) {
        if (uri == null || uri.isBlank()) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "vault location is empty; " + SUPPORTED);
        }
        if (uri.startsWith("file:")) {
            return new RetryingStorage(new LocalStorage(fileUri(uri)), RetryingStorage.Policy.defaults());
        }
        var m = SCHEME.matcher(uri);
        if (m.matches()) {
            if (m.group(1).equalsIgnoreCase("azure")) {
                return AzureStorageFactory.open(uri, env, RetryingStorage.Policy.defaults());
            }
            throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                    "unsupported vault location scheme \"" + m.group(1) + "\" in " + uri + "; " + SUPPORTED);
        }
        return new RetryingStorage(new LocalStorage(plainPath(uri)), RetryingStorage.Policy.defaults());
    }

    private static Path fileUri(String uri) {
        try {
            URI u = new URI(uri);
            String auth = u.getRawAuthority();
            if (u.isOpaque() || u.getPath() == null || !u.getPath().startsWith("/")
                    || (auth != null && !auth.isEmpty() && !auth.equals("localhost"))
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                        "vault location " + uri + " is not a local absolute file URI; " + SUPPORTED);
            }
            return Path.of(u.getPath());
        } catch (URISyntaxException | InvalidPathException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "vault location " + uri + " is malformed: "
                    + e.getMessage() + "; " + SUPPORTED, e);
        }
    }

    private static Path plainPath(String s) {
        try {
            if (s.equals("~") || s.startsWith("~/")) {
                s = UserHome.dir() + s.substring(1);
            }
            return Path.of(s).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "vault location " + s + " is not a valid path: "
                    + e.getMessage(), e);
        }
    }
}
