package io.streamvault.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.util.Sizes;
import io.streamvault.maintenance.Checker;
import io.streamvault.vault.Vault;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamvault check}: verifies the vault's structure, and with {@code --read-data} its data.
 * Reads only the vault. Exits 0 when no error is found (warnings allowed), 1 otherwise.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Verify a vault: snapshots, trees, index, packs, and optionally all data.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--read-data", description = "Also download, decrypt and verify every blob of every pack.")
    boolean readData;

    @Option(names = "--read-data-subset", paramLabel = "N%",
            description = "Like --read-data, for a random N percent of the packs (e.g. 10%%).")
    String subset;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel storage reads (default 8).")
    int threads = 8;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
    boolean json;

    @Override
    public Integer call() {
        double fraction = readData ? 1 : 0;
        if (subset != null) {
            if (readData) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "use either --read-data or --read-data-subset");
            }
            fraction = parseSubset(subset);
        }
        if (threads < 1 || threads > 256) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--threads must be within 1..256: " + threads);
        }
        StreamVaultConfig config = common.config();
        long start = System.currentTimeMillis();
        try (Vault vault = common.openVault(config, false)) {
            String location = vault.location();
            Progress progress = new Progress(System.err, System.console() != null && !json);
            Checker.Result r;
            try {
                r = new Checker(vault, new Checker.Options(fraction, threads, System.nanoTime())).run(progress);
            } finally {
                progress.clear();
            }
            long ms = System.currentTimeMillis() - start;
            if (json) {
                System.out.println(json(r, location, ms));
            } else {
                print(r, location, ms, System.out);
            }
            if (!r.ok()) {
                throw new FatalException(r.problems().stream().anyMatch(p -> p.kind().equals("pack")
                        && p.message().contains("is missing")) ? ErrorCode.OBJECT_NOT_FOUND : ErrorCode.CORRUPT_OBJECT,
                        "check found " + r.errors() + " error" + (r.errors() == 1 ? "" : "s") + " in " + location
                        + (json ? "" : " (listed above)"));
            }
            return 0;
        }
    }

    static double parseSubset(String s) {
        String t = s.strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        double pct;
        try {
            pct = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            pct = Double.NaN;
        }
        if (!(pct > 0 && pct <= 100)) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                    "--read-data-subset takes a percentage above 0 and at most 100, e.g. 10%: " + s);
        }
        return pct / 100;
    }

    private static void print(Checker.Result r, String location, long ms, PrintStream out) {
        for (Checker.Problem p : r.problems()) {
            out.println((p.severity() == Checker.Severity.ERROR ? "error: " : "warning: ") + p.message());
            if (!p.snapshots().isEmpty()) {
                out.println("  affects snapshot" + (p.snapshots().size() == 1 ? " " : "s ") + String.join(", ", p.snapshots()));
                for (String path : p.paths()) {
                    out.println("    " + path);
                }
                if (p.pathsTotal() > p.paths().size()) {
                    out.println("    ... and " + (p.pathsTotal() - p.paths().size()) + " more");
                }
            }
        }
        String data = r.packsRead() == 0 ? "data not read (use --read-data)"
                : "data of " + r.packsRead() + " of " + r.packs() + " packs read and verified (" + r.blobsRead() + " blobs, "
                        + Sizes.bytes(r.bytesRead()) + ")";
        out.printf("checked %s: %d snapshots, %d index objects, %d trees, %d data blobs in %d packs; %s; %s in %s%n",
                location, r.snapshots(), r.indexObjects(), r.trees(), r.dataBlobs(), r.packs(), data,
                r.ok() ? (r.warnings() == 0 ? "no errors" : "no errors, " + r.warnings() + " warning"
                        + (r.warnings() == 1 ? "" : "s")) : r.errors() + " error" + (r.errors() == 1 ? "" : "s")
                        + (r.warnings() == 0 ? "" : ", " + r.warnings() + " warning" + (r.warnings() == 1 ? "" : "s")),
                Sizes.duration(ms));
    }

    private static String json(Checker.Result r, String location, long ms) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("vault", location);
        o.put("ok", r.ok());
        o.put("errors", r.errors());
        o.put("warnings", r.warnings());
        o.put("snapshots", r.snapshots());
        o.put("index_objects", r.indexObjects());
        o.put("trees", r.trees());
        o.put("data_blobs", r.dataBlobs());
        o.put("packs", r.packs());
        o.put("packs_read", r.packsRead());
        o.put("blobs_read", r.blobsRead());
        o.put("bytes_read", r.bytesRead());
        o.put("duration_ms", ms);
        ArrayNode problems = o.putArray("problems");
        for (Checker.Problem p : r.problems()) {
            ObjectNode q = problems.addObject();
            q.put("severity", p.severity().name().toLowerCase(Locale.ROOT));
            q.put("kind", p.kind());
            q.put("object", p.object());
            q.put("message", p.message());
            ArrayNode s = q.putArray("snapshots");
            p.snapshots().forEach(s::add);
            ArrayNode paths = q.putArray("paths");
            p.paths().forEach(paths::add);
            q.put("paths_total", p.pathsTotal());
        }
        return o.toString();
    }

    /** One progress line on a terminal, at most five times a second. */
    private static final class Progress implements Checker.Progress {
        private final PrintStream err;
        private final boolean enabled;
        private long last;
        private boolean shown;

        Progress(PrintStream err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public synchronized void update(String phase, long done, long total, long bytesRead) {
            long now = System.currentTimeMillis();
            if (!enabled || now - last < 200) {
                return;
            }
            last = now;
            shown = true;
            String line = "check: " + phase + " " + done + "/" + total + ", " + Sizes.bytes(bytesRead) + " read";
            err.print("\r" + line + " ".repeat(Math.max(0, 70 - line.length())));
            err.flush();
        }

        synchronized void clear() {
            if (shown) {
                err.print("\r" + " ".repeat(80) + "\r");
                err.flush();
            }
        }
    }
}
