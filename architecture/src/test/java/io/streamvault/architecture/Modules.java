package io.streamvault.architecture;

import java.util.Map;
import java.util.Set;

/**
 * The modules and what each may use: the one table the layering rules read, as Kafka's
 * import-control file is for Kafka. A module is named by the package under {@code io.streamvault}
 * its classes live in ({@code dedup} is the dedup-stream module). docs/architecture.md shows the
 * same table; change both together.
 */
final class Modules {
    /** Every module may use itself; these are the others it may use. */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("common", Set.of()),
            Map.entry("schemas", Set.of("common")),
            Map.entry("vault", Set.of("common")),
            Map.entry("broker", Set.of("common")),
            Map.entry("scanner", Set.of("common", "schemas", "vault")),
            Map.entry("chunker", Set.of("common", "schemas", "vault")),
            Map.entry("dedup", Set.of("common", "schemas", "vault")),
            Map.entry("uploader", Set.of("common", "schemas", "vault")),
            Map.entry("catalog", Set.of("common", "schemas", "vault")),
            Map.entry("restore", Set.of("common", "vault")),
            Map.entry("maintenance", Set.of("common", "vault")),
            Map.entry("plans", Set.of("common", "vault", "maintenance")),
            Map.entry("scheduler", Set.of("common", "schemas", "vault", "maintenance", "plans")),
            Map.entry("copier", Set.of("common", "schemas", "vault")),
            Map.entry("server", Set.of("common", "vault", "restore", "maintenance", "plans")),
            Map.entry("launcher", Set.of("common", "schemas", "vault", "broker", "scanner", "chunker", "dedup",
                    "uploader", "catalog", "restore", "maintenance", "plans", "scheduler", "copier", "server")),
            Map.entry("bench", Set.of("common", "schemas", "vault", "broker", "dedup")));

    /** The one module that holds the Prometheus registry; every other counts with Micrometer's API only. */
    static final String PROMETHEUS_HOLDER = "launcher";

    /** Modules that need only the vault: no Kafka, no Vert.x. */
    static final Set<String> VAULT_ONLY = Set.of("vault", "restore", "maintenance", "plans");

    private static final String ROOT = "io.streamvault.";

    private Modules() {
    }

    /** The module of a class by its package, or null outside io.streamvault. */
    static String of(String packageName) {
        if (!packageName.startsWith(ROOT)) {
            return null;
        }
        String rest = packageName.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** True when the package is an {@code internal} package (or below one). */
    static boolean isInternal(String packageName) {
        return packageName.endsWith(".internal") || packageName.contains(".internal.");
    }
}
