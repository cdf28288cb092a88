package io.streamvault.vault;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Azure Blob Storage emulator for tests: {@code .tools/node_modules/.bin/azurite-blob} (installed by
 * {@code bin/install-azurite}, which {@code bin/test} runs; run here too when it is missing), on a free
 * loopback port with its data in a directory of the caller's. Without Node.js the tests that need it
 * fail with a message saying so; they never pass silently. Used by the vault and launcher tests (vault test jar).
 * {@link #startWithAccounts} serves accounts of the test's own naming, each with its own key.
 */
public final class Azurite implements AutoCloseable {
    /** Azurite's well-known development account and key (public, documented by Microsoft). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Path data;
    private final int port;
    private final Path log;
    /** The accounts served; empty for the development account alone. */
    private final List<String> accounts;
    private Process process;

    private Azurite(Path data, int port, List<String> accounts) {
        this.data = data;
        this.port = port;
        this.log = data.resolveSibling(data.getFileName() + ".log");
        this.accounts = accounts;
    }

    /** Starts Azurite with its data in {@code data} (created if missing), on a free port. */
    public static Azurite start(Path data) throws IOException, InterruptedException {
        Azurite a = new Azurite(data, freePort(), List.of());
        a.start();
        return a;
    }

    /**
     * As {@link #start(Path)}, serving these accounts, each with its own key ({@link #key(String)}),
     * through Azurite's {@code AZURITE_ACCOUNTS}. Azurite then serves only the accounts named: the
     * development account too only when it is one of them.
     */
    public static Azurite startWithAccounts(Path data, String... accounts) throws IOException, InterruptedException {
        Azurite a = new Azurite(data, freePort(), List.of(accounts));
        a.start();
        return a;
    }

    /** Starts it (again) on the same port and data directory, as after a crash or a restart. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path bin = installed();
        Files.createDirectories(data);
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--disableTelemetry", "--silent", "--blobKeepAliveTimeout", "60",
                "--location", data.toString());
        pb.environment().remove("AZURITE_ACCOUNTS");
        if (!accounts.isEmpty()) {
            StringBuilder env = new StringBuilder();
            for (String a : accounts) {
                env.append(a).append(':').append(key(a)).append(';');
            }
            pb.environment().put("AZURITE_ACCOUNTS", env.toString());
        }
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with status " + process.exitValue() + " at start: "
                        + tail());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("Azurite did not answer on port " + port + " within 90 s: " + tail());
            }
            Thread.sleep(100);
        }
    }

    /** Stops it (the data stays); storage calls then fail with connection refused. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public int port() {
        return port;
    }

    /** Blob endpoint in path style, e.g. {@code http://127.0.0.1:10000/devstoreaccount1}. */
    public String endpoint() {
        return endpoint(ACCOUNT);
    }

    /** The blob endpoint of one account, in path style. */
    public String endpoint(String account) {
        return "http://127.0.0.1:" + port + "/" + account;
    }

    public String connectionString() {
        return connectionString(ACCOUNT);
    }

    /** The connection string of one account (with its key). */
    public String connectionString(String account) {
        return "DefaultEndpointsProtocol=http;AccountName=" + account + ";AccountKey=" + key(account) + ";BlobEndpoint="
                + endpoint(account) + ";";
    }

    /** The environment a {@code streamvault} process needs to reach this Azurite. */
    public Map<String, String> env() {
        return env(ACCOUNT);
    }

    /** The environment a {@code streamvault} process needs to reach one account of this Azurite, and only it. */
    public Map<String, String> env(String account) {
        return Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString(account));
    }

    /** The key of an account: {@link #KEY} for the development account, else one of its own made from its name. */
    public static String key(String account) {
        if (account.equals(ACCOUNT)) {
            return KEY;
        }
        try {
            byte[] k = MessageDigest.getInstance("SHA-512").digest(("azurite test key of " + account)
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(k);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An environment lookup for {@code AzureStorageFactory.open} in this JVM. */
    public String getenv(String name) {
        return env().get(name);
    }

    /** Any HTTP answer will do (an account Azurite does not serve gets 404). */
    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "?comp=list").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() > 0;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** The repository root: the nearest directory upwards holding bin/install-azurite. */
    public static Path repository() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/install-azurite"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository (bin/install-azurite) above " + System.getProperty("user.dir"));
    }

    /** The azurite-blob launcher, installing it with bin/install-azurite first when it is missing. */
    static synchronized Path installed() throws IOException, InterruptedException {
        Path repo = repository();
        Path bin = repo.resolve(".tools/node_modules/.bin/azurite-blob");
        if (Files.isExecutable(bin)) {
            return bin;
        }
        Process p = new ProcessBuilder(repo.resolve("bin/install-azurite").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException("the Azure tests need Azurite, and bin/install-azurite could not install it"
                    + " (Node.js and npm are required): " + out.strip());
        }
        return bin;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
