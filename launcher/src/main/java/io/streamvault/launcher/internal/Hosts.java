package io.streamvault.launcher.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name and the user running the process. */
public final class Hosts {
    private Hosts() {
    }

    public static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public static String user() {
        return System.getProperty("user.name", "");
    }
}
