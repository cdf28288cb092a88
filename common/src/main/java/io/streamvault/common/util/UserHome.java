package io.streamvault.common.util;

import java.nio.file.Path;

/**
 * The user's home directory, by the rule command-line tools follow: {@code $HOME} when it is set
 * and not blank, else the JVM's {@code user.home} (read from the password database, which differs
 * from {@code $HOME} under {@code sudo}, in containers and on CI). Every default under the home
 * ({@code ~/.streamvault}, a vault given as {@code ~/...}) goes through here, so the Java code and
 * the shell scripts, which use {@code $HOME}, agree.
 */
public final class UserHome {
    private UserHome() {
    }

    public static Path dir() {
        return of(System.getenv("HOME"), System.getProperty("user.home"));
    }

    /** The rule itself: {@code env} ($HOME) unless blank, else {@code property} (user.home). */
    static Path of(String env, String property) {
        return Path.of(env != null && !env.isBlank() ? env : property).toAbsolutePath();
    }
}
