package io.streamvault.launcher.internal;

import io.streamvault.common.util.UserHome;
import java.nio.file.Path;

/**
 * Where StreamVault keeps things by default: {@code $STREAMVAULT_HOME}, or {@code ~/.streamvault}
 * ({@code ~} by {@link UserHome}: {@code $HOME} first, as bin/streamvault and other tools read it).
 * The default vault is {@code HOME/vault}, its generated password {@code HOME/password}, and the
 * working state {@code HOME/state}.
 */
public final class Home {
    private Home() {
    }

    public static Path dir() {
        String env = System.getenv("STREAMVAULT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return UserHome.dir().resolve(".streamvault");
    }

    public static Path defaultVault() {
        return dir().resolve("vault");
    }

    public static Path defaultPasswordFile() {
        return dir().resolve("password");
    }

    public static Path defaultStateDir() {
        return dir().resolve("state");
    }
}
