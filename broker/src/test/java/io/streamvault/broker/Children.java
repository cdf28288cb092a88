package io.streamvault.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Child JVMs on the test class path. */
final class Children {
    private Children() {
    }

    static Process start(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The first line of the child's output that starts with {@code prefix}. */
    static String firstLine(Process child, String prefix, Duration timeout) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                throw new IllegalStateException("the child ended without printing " + prefix);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
