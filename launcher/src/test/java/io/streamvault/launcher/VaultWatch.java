package io.streamvault.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A vault the fault campaign watches: which source tree each snapshot holds, and after each round
 * whether every snapshot that must still be there is listed, restores byte for byte, and
 * {@code check --read-data} finds no error. A snapshot the campaign did not see made (a killed
 * command that sealed it anyway, a job other workers finished) holds the tree of the round it was
 * taken in: the source does not change during a round.
 */
final class VaultWatch {
    /** Runs one streamvault command (in this JVM or as a child process). */
    interface Command {
        Cli.Result run(Object... args) throws Exception;
    }

    private final String vault;
    private final Path pw;
    private final Path work;
    private final Command cmd;
    private final Random rnd;
    /** Snapshot id to the copy of the source it holds, oldest first. */
    private final Map<String, Path> expected = new LinkedHashMap<>();
    /** The copy of the source taken at the start of each round. */
    private final TreeMap<Instant, Path> states = new TreeMap<>();
    private int restores;

    VaultWatch(String vault, Path pw, Path work, Command cmd, Random rnd) {
        this.vault = vault;
        this.pw = pw;
        this.work = work;
        this.cmd = cmd;
        this.rnd = rnd;
    }

    String vault() {
        return vault;
    }

    /** Copies the source (cp -a: bytes, modes, times to the nanosecond, links) before a round's command runs. */
    Path round(Path source) throws IOException, InterruptedException {
        Path copy = work.resolve("expected-" + states.size());
        Process cp = new ProcessBuilder("cp", "-a", source.toString(), copy.toString()).inheritIO().start();
        if (cp.waitFor() != 0) {
            throw new IOException("cp -a " + source + " failed");
        }
        Instant now = Instant.now();
        while (states.containsKey(now)) {
            now = now.plusNanos(1);
        }
        states.put(now, copy);
        return copy;
    }

    /** The snapshots the campaign knows, oldest first. */
    List<String> snapshots() {
        return new ArrayList<>(expected.keySet());
    }

    /** Snapshots a retention policy removed: no longer expected. */
    void forgotten(Set<String> ids) {
        expected.keySet().removeAll(ids);
    }

    /** The copy of the source a snapshot holds. */
    Path treeOf(String id) {
        return expected.get(id);
    }

    /** Expects every snapshot the other vault holds (this vault is its copy). */
    void expectAll(VaultWatch source) {
        expected.putAll(source.expected);
        states.putAll(source.states);
    }

    /**
     * Counts into the tally what this vault lost: the listing, restores (every snapshot with
     * {@code all}, else the newest and one other at random) and {@code check --read-data}.
     * Returns true when nothing was wrong.
     */
    boolean verify(FaultTally t, boolean all) throws Exception {
        Cli.Result list = cmd.run("snapshots", "--json", "--vault", vault, "--password-file", pw);
        if (list == null || list.code() != 0) {
            t.checkErrors++;
            t.problem("snapshots failed on " + vault + ": " + list);
            return false;
        }
        Set<String> listed = new HashSet<>();
        for (JsonNode s : list.json()) {
            String id = s.get("id").asText();
            listed.add(id);
            if (!expected.containsKey(id)) {
                Map.Entry<Instant, Path> state = states.floorEntry(Instant.parse(s.get("time").asText()));
                if (state == null) {
                    t.problem("snapshot " + id + " taken before any round");
                    continue;
                }
                expected.put(id, state.getValue());
            }
        }
        int lost = 0;
        for (String id : expected.keySet()) {
            if (!listed.contains(id)) {
                lost++;
                t.problem("snapshot " + id + " is no longer listed in " + vault);
            }
        }
        List<String> present = new ArrayList<>(expected.keySet());
        present.retainAll(listed);
        List<String> sample = new ArrayList<>();
        if (all) {
            sample.addAll(present);
        } else if (!present.isEmpty()) {
            sample.add(present.get(present.size() - 1));
            if (present.size() > 1) {
                sample.add(present.get(rnd.nextInt(present.size() - 1)));
            }
        }
        for (String id : sample) {
            if (!restoresExactly(t, id)) {
                lost++;
            }
        }
        t.lost += lost;
        Cli.Result check = cmd.run("check", "--read-data", "--json", "--vault", vault, "--password-file", pw);
        long errors;
        if (check == null) {
            errors = 1;
        } else {
            try {
                errors = check.json().get("errors").asLong();
            } catch (AssertionError e) {
                errors = 1;
            }
            if (check.code() != 0 && errors == 0) {
                errors = 1;
            }
        }
        if (errors > 0) {
            t.checkErrors += (int) errors;
            t.problem("check --read-data on " + vault + ": " + check);
        }
        return lost == 0 && errors == 0;
    }

    private boolean restoresExactly(FaultTally t, String id) throws Exception {
        Path out = work.resolve("restore-" + restores++);
        Cli.Result r = cmd.run("restore", id, "--target", out, "--vault", vault, "--password-file", pw);
        try {
            if (r == null || r.code() != 0) {
                t.problem("restore of " + id + " from " + vault + " failed: " + r);
                return false;
            }
            try {
                TreeAssert.assertSameTree(expected.get(id), out);
                return true;
            } catch (AssertionError e) {
                t.problem("snapshot " + id + " does not restore exactly: " + e.getMessage());
                return false;
            }
        } finally {
            delete(out);
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }
}
