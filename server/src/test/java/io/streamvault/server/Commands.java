package io.streamvault.server;

import java.io.IOException;

/** Whether a command of this machine runs (for tests that need Node.js and skip without it). */
public final class Commands {
    private Commands() {
    }

    /** True when {@code command} starts and exits 0. */
    public static boolean runs(String... command) {
        try {
            return new ProcessBuilder(command).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
