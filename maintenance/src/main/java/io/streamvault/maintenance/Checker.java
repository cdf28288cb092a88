package io.streamvault.maintenance;

import io.streamvault.maintenance.internal.CheckRun;
import io.streamvault.vault.Vault;
import java.util.List;

/**
 * Verifies a vault, needing only the vault and its key: every snapshot readable; every tree of every
 * snapshot in the index, in an existing pack and decodable; every chunk the trees reference in the
 * index and in an existing pack of the right size; index and pack headers in agreement; packs that no
 * index records reported (a warning). With {@link Options#readDataFraction} above zero it also
 * downloads, decrypts and verifies every blob of all packs (1.0) or of a random share of them.
 * Each problem names the object and the snapshots and paths it affects.
 */
public final class Checker {
    /**
     * @param readDataFraction 0 for a structural check; 1 to read every pack's data; in between, that
     *     share of the packs, chosen at random (at least one pack when there is any)
     * @param threads parallel storage reads
     * @param seed of the random choice of packs (for tests; any value otherwise)
     */
    public record Options(double readDataFraction, int threads, long seed) {
        public Options {
            if (!(readDataFraction >= 0 && readDataFraction <= 1)) {
                throw new IllegalArgumentException("readDataFraction must be within 0..1: " + readDataFraction);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive: " + threads);
            }
        }

        public static Options structure() {
            return new Options(0, 8, System.nanoTime());
        }

        public static Options readAll() {
            return new Options(1, 8, System.nanoTime());
        }
    }

    /** Progress of a check: a phase name, and how far it is (done of total units, bytes read so far). */
    public interface Progress {
        void update(String phase, long done, long total, long bytesRead);
    }

    public enum Severity { ERROR, WARNING }

    /**
     * One problem: what kind ({@code snapshot}, {@code index}, {@code dictionary}, {@code pack},
     * {@code tree}, {@code blob}, {@code lock}, {@code key}), which object ({@code snapshots/ID}, {@code data/3f/ID}, ...), what
     * is wrong, and what it affects:
     * snapshot ids and paths (relative to the backed-up directory, at most {@link #MAX_PATHS}, with
     * {@code pathsTotal} the full count).
     */
    public record Problem(Severity severity, String kind, String object, String message, List<String> snapshots,
            List<String> paths, long pathsTotal) {
    }

    /** Most paths listed per problem. */
    public static final int MAX_PATHS = 50;

    /** What was checked and what was found. */
    public record Result(List<Problem> problems, long snapshots, long indexObjects, long trees, long dataBlobs,
            long packs, long packsRead, long blobsRead, long bytesRead) {
        public long errors() {
            return problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
        }

        public long warnings() {
            return problems.stream().filter(p -> p.severity() == Severity.WARNING).count();
        }

        /** True when there is no error (warnings allowed). */
        public boolean ok() {
            return errors() == 0;
        }
    }

    private final Vault vault;
    private final Options options;

    public Checker(Vault vault, Options options) {
        this.vault = vault;
        this.options = options;
    }

    public Result run(Progress progress) {
        return new CheckRun(vault, options, progress).run();
    }
}
