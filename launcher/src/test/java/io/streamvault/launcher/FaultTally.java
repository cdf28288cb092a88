package io.streamvault.launcher;

import java.util.ArrayList;
import java.util.List;

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

    FaultTally(String scenario) {
        this.scenario = scenario;
    }

    void problem(String what) {
        problems.add(scenario + ": " + what);
        System.err.println("FaultCampaign: " + scenario + ": " + what);
    }

    static String header() {
        return "| scenario | rounds | survived | lost | reruns incomplete | check errors | unclear failures | notes |\n"
                + "|---|---|---|---|---|---|---|---|\n";
    }

    String row() {
        if (skipped != null) {
            return "| " + scenario + " | 0 | - | - | - | - | - | skipped: " + skipped + " |\n";
        }
        return "| " + scenario + " | " + rounds + " | " + survived + " | " + lost + " | " + incomplete + " | " + checkErrors
                + " | " + unclear + " | " + String.join("; ", notes) + " |\n";
    }

    static String table(List<FaultTally> tallies) {
        StringBuilder s = new StringBuilder(header());
        tallies.forEach(t -> s.append(t.row()));
        return s.toString();
    }
}
