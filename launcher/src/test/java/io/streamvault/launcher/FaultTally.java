package io.streamvault.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scenario of the fault campaign counted: rounds run, rounds that ended with everything
 * intact, snapshots lost or corrupt, reruns that did not complete, {@code check --read-data}
 * errors, failures that did not end with one clear line, and notes (findings, measurements).
 */
final class FaultTally {
    final String scenario;
    int rounds;
    int survived;
    int lost;
    int incomplete;
    int checkErrors;
    int unclear;
    final List<String> notes = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    String skipped;
    /** The line each kind of clean stop ended with (one per error code), and how often. */
    private final Map<String, String> stops = new TreeMap<>();
    private final Map<String, Integer> stopCounts = new TreeMap<>();

    FaultTally(String scenario) {
        this.scenario = scenario;
    }

    void problem(String what) {
        problems.add(scenario + ": " + what);
        System.err.println("FaultCampaign: " + scenario + ": " + what);
    }

    /** A command stopped with this clear line ({@code streamvault: MESSAGE [code]}). */
    void stopped(String line) {
        String code = line.substring(line.lastIndexOf('[') + 1, line.length() - 1);
        stops.putIfAbsent(code, line);
        stopCounts.merge(code, 1, Integer::sum);
    }

    static String header() {
        return "| scenario | rounds | survived | lost | reruns incomplete | check errors | unclear failures | notes |\n"
                + "|---|---|---|---|---|---|---|---|\n";
    }

    String row() {
        if (skipped != null) {
            return "| " + scenario + " | 0 | - | - | - | - | - | skipped: " + skipped + " |\n";
        }
        List<String> all = new ArrayList<>(notes);
        stops.forEach((code, line) -> all.add(stopCounts.get(code) + " stop(s) with one clear line, e.g. `"
                + line.replace("|", "\\|") + "`"));
        return "| " + scenario + " | " + rounds + " | " + survived + " | " + lost + " | " + incomplete + " | " + checkErrors
                + " | " + unclear + " | " + String.join("; ", all) + " |\n";
    }

    static String table(List<FaultTally> tallies) {
        StringBuilder s = new StringBuilder(header());
        tallies.forEach(t -> s.append(t.row()));
        return s.toString();
    }
}
