package io.streamvault.broker;

import java.nio.file.Path;

/** Runs a broker in a child JVM, as {@code streamvault broker --state-dir DIR} does. */
public final class ForegroundMain {
    private ForegroundMain() {
    }

    public static void main(String[] args) {
        LocalBroker.runForeground(Path.of(args[0]), System.out);
    }
}
