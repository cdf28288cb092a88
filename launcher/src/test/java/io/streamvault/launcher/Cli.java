package io.streamvault.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamvault.common.fs.Posix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the streamvault command in this JVM or as a child process, capturing its output. */
public final class Cli {
    /** The repository root (the launcher module's parent). */
    public static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

    public record Result(int code, String out, String err) {
        public String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(lastLine());
            } catch (IOException e) {
                throw new AssertionError("last line is not JSON: " + lastLine() + "\nstderr:\n" + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /** Runs a command in this JVM (System.out and System.err captured). */
    public static synchronized Result run(Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = String.valueOf(args[i]);
        }
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(a);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        oldErr.print(r.err());
        return r;
    }

    /** Runs a command in this JVM against {@code vault} opened with the password in {@code password}. */
    public static Result onVault(Path vault, Path password, Object... args) {
        return run(BackupRestoreIT.concat(args, new Object[] {"--vault", vault, "--password-file", password}));
    }

    /**
     * Copies a directory tree (a vault, a source tree) with the same contents, modes and times, to the
     * nanosecond, which Files.copy is not (directories' times set after their entries).
     */
    public static void copyTree(Path from, Path to) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                    dirs.add(p);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                    long mtime = Posix.lstat(p).mtimeNs();
                    Posix.setTimes(t, mtime, mtime);
                }
            }
        }
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Path t = to.resolve(from.relativize(dirs.get(i)).toString());
            Files.setPosixFilePermissions(t, Files.getPosixFilePermissions(dirs.get(i)));
            long mtime = Posix.lstat(dirs.get(i)).mtimeNs();
            Posix.setTimes(t, mtime, mtime);
        }
    }

    /** Runs {@code bin/streamvault} as a child process, optionally behind a wrapper (e.g. capsh). */
    public static Result process(List<String> wrapper, Map<String, String> env, Object... args)
            throws IOException, InterruptedException {
        return process(REPO.resolve("bin/streamvault"), wrapper, env, args);
    }

    /** Runs {@code script} (a copy of bin/streamvault, say) as a child process, optionally behind a wrapper. */
    public static Result process(Path script, List<String> wrapper, Map<String, String> env, Object... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(wrapper);
        StringBuilder line = new StringBuilder(script.toString());
        if (!wrapper.isEmpty()) {
            for (Object o : args) {
                line.append(" '").append(String.valueOf(o).replace("'", "'\\''")).append("'");
            }
            cmd.add(line.toString());
        } else {
            cmd.add(line.toString());
            for (Object o : args) {
                cmd.add(String.valueOf(o));
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STREAMVAULT_NO_BUILD", "1");
        pb.environment().put("STREAMVAULT_AGENT_IDLE", "0"); // the command runs its job, unless env says otherwise
        pb.environment().putAll(env);
        Path out = Files.createTempFile("sv-out", ".txt");
        Path err = Files.createTempFile("sv-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("streamvault did not finish in 5 minutes: " + cmd);
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
